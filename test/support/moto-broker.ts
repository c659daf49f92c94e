// The run's moto broker, served by test/global-setup.ts in vitest's main process: the first test file
// that asks for an account (test/support/moto-accounts.ts) starts the run's one moto server; every file
// gets an account id of its own on it. The server stops when the run ends.
import { createServer, type Server } from 'node:http';
import { type MotoServer, startMoto } from './moto-server.ts';

export interface MotoBroker {
  url: string;
  stop(): Promise<void>;
}

/** Account ids handed out by one broker: 12 digits, none of them moto's default or a test's fixed one. */
const FIRST_ACCOUNT = 200_000_000_001;

export async function startMotoBroker(): Promise<MotoBroker> {
  let server: Promise<MotoServer> | undefined;
  let accounts = 0;
  const broker: Server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/account') {
      response.writeHead(404).end();
      return;
    }
    server ??= startMoto();
    server.then(
      (moto) => {
        const accountId = String(FIRST_ACCOUNT + accounts++);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ endpoint: moto.endpoint, accountId }));
      },
      (error: unknown) => {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: (error as Error).message }));
      },
    );
  });
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
  const address = broker.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      const moto = await server?.catch(() => undefined);
      await moto?.stop();
    },
  };
}
