// The local world's admin routes on the ECS stand-in's port (not AWS APIs; for tests, the e2e suite and a
// user at a terminal):
//   GET    /_local/traffic/<service>   the load balancer's weights, test target group and per-target-group counts
//   DELETE /_local/traffic/<service>   resets those counts
//   GET    /_local/alarms               every alarm state set so far
//   PUT    /_local/alarms/<name>        body {"state":"ALARM"|"OK"|"INSUFFICIENT_DATA"}
import type { ServerResponse } from 'node:http';
import { ALARM_STATES, type AlarmStore } from '../cloudwatch/alarms.ts';
import type { TrafficView } from './traffic.ts';
import type { AlarmState } from './traffic-shift.ts';

export interface AdminRouteOptions {
  traffic: (service: string) => TrafficView | undefined;
  resetTraffic: (service: string) => void;
  alarms: AlarmStore;
}

function answer(response: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
  return true;
}

export function adminRoutes(options: AdminRouteOptions) {
  return async (method: string, url: string, body: string, response: ServerResponse): Promise<boolean> => {
    const path = url.split('?')[0] ?? '';
    if (!path.startsWith('/_local/')) return false;
    const [, , resource, rawName] = path.split('/');
    const name = decodeURIComponent(rawName ?? '');
    if (resource === 'traffic' && name !== '') {
      if (method === 'DELETE') {
        options.resetTraffic(name);
        return answer(response, 200, { service: name, reset: true });
      }
      const view = options.traffic(name);
      return view
        ? answer(response, 200, view)
        : answer(response, 404, { error: `no service '${name}' behind a local load balancer` });
    }
    if (resource === 'alarms' && method === 'GET' && name === '')
      return answer(response, 200, options.alarms.all());
    if (resource === 'alarms' && method === 'PUT' && name !== '') {
      let state: unknown;
      try {
        state = (JSON.parse(body) as { state?: unknown }).state;
      } catch {
        state = undefined;
      }
      if (!ALARM_STATES.includes(state as AlarmState))
        return answer(response, 400, {
          error: `body must be {"state": ${ALARM_STATES.map((s) => `"${s}"`).join(' | ')}}`,
        });
      options.alarms.set(name, state as AlarmState);
      return answer(response, 200, { name, state });
    }
    return answer(response, 404, {
      error:
        'unknown admin route: use GET|DELETE /_local/traffic/<service>, GET /_local/alarms, PUT /_local/alarms/<name>',
    });
  };
}
