// `status --watch`: the status table (or one service) redrawn on every change the deployer pushes
// on /events, reconnecting after a lost connection until Ctrl-C.

import { DASHBOARD_PATHS } from '../../contract/dashboard-paths.ts';
import type { DeployerStatus } from '../../contract/status-model.ts';
import type { CliIo } from '../cli-io.ts';
import { DeployerClientError } from '../deployer-client.ts';
import { type Paint, paintFor } from '../format/colour.ts';
import { serviceDetail, statusTable } from '../format/status-report.ts';
import { printable } from '../format/text-table.ts';
import { asDeployerStatus } from './answer-shape.ts';
import type { ServerSentEvent } from './read-events.ts';
import { servicePath } from './remote-command.ts';

const RECONNECT_MS = 2000;
/** Clear the screen and move home, only on a terminal. */
const CLEAR = '\u001b[2J\u001b[H';

export async function watchStatus(
  io: CliIo,
  service: string | undefined,
  get: (path: string) => Promise<unknown>,
  events: (path: string) => AsyncIterable<ServerSentEvent>,
): Promise<number> {
  // Fail fast on an unknown service, a bad token or a wrong URL, before any redraw.
  if (service !== undefined) await get(servicePath('/status', service));
  const clear = process.stdout.isTTY === true;
  const paint = paintFor(io.env, clear);
  let connectedOnce = false;
  for (;;) {
    try {
      for await (const event of events(DASHBOARD_PATHS.events)) {
        if (event.event !== 'status') continue;
        connectedOnce = true;
        const status = asDeployerStatus(
          (JSON.parse(event.data) as { status?: unknown }).status,
          DASHBOARD_PATHS.events,
        );
        io.stdout(`${clear ? CLEAR : ''}${render(status, service, paint)}\n${clear ? '' : '\n'}`);
      }
      io.stderr('the deployer closed the stream; reconnecting\n');
    } catch (error) {
      // Before the first picture, errors are final (exit 3/4); later ones are a restart to ride out.
      if (!connectedOnce || (error instanceof DeployerClientError && error.exitCode === 4)) throw error;
      io.stderr(
        `connection lost (${error instanceof Error ? error.message : String(error)}); reconnecting\n`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

function render(status: DeployerStatus, service: string | undefined, paint: Paint): string {
  const stamp = `updated ${new Date().toISOString().slice(11, 19)}Z · Ctrl-C to stop`;
  if (service === undefined) return `${statusTable(status, paint)}\n${stamp}`;
  const detail = status.services.find((s) => s.name === service);
  return `${detail ? serviceDetail(detail) : `${printable(service)} is no longer in the config`}\n${stamp}`;
}
