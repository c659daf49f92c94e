// Makes app.close() finish promptly while keep-alive clients are connected. Node's server.close()
// only closes connections that are idle at that instant: a connection whose request is in flight
// becomes idle after its response and would then stay open until keepAliveTimeout (65 s, longer
// than ECS waits). So while draining, responses say `Connection: close` (those in flight when the
// drain began included), and idle connections are closed as they appear.
// Until then it costs one flag check per response: no Fastify hook runs per request.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface GracefulDrain {
  /** Called as each response's head is written (served-responses.ts). */
  beforeHead(response: ServerResponse): void;
  /** Starts draining when `app` begins to close. */
  attach(app: FastifyInstance): void;
}

export function createGracefulDrain(pollMs = 50): GracefulDrain {
  let draining = false;
  let sweeper: NodeJS.Timeout | undefined;
  return {
    beforeHead(response) {
      if (draining) response.setHeader('Connection', 'close');
    },
    attach(app) {
      app.addHook('preClose', async () => {
        draining = true;
        sweeper = setInterval(() => app.server.closeIdleConnections(), pollMs);
        sweeper.unref();
      });
      app.addHook('onClose', async () => {
        clearInterval(sweeper);
      });
    },
  };
}
