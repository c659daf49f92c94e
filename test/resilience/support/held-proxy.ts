// A loopback HTTP proxy that can hold requests. The chaos harness points the deployer's verify URL
// at it and holds it before a push, so a rollout cannot leave Verifying until the deployer has been
// killed there; released requests are forwarded to the target (the service's load balancer).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldProxy {
  url: string;
  /** Requests arriving from now on wait until release(). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startHeldProxy(target: string): Promise<HeldProxy> {
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  const server = createServer((request, response) => {
    void (async () => {
      await gate;
      try {
        const answer = await fetch(`${target}${request.url ?? '/'}`, {
          method: request.method,
          signal: AbortSignal.timeout(10_000),
        });
        const body = Buffer.from(await answer.arrayBuffer());
        response.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
        });
        response.end(body);
      } catch (error) {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`held-proxy: ${target} did not answer: ${String(error)}`);
      }
    })();
  });
  // A killed deployer leaves its held request behind: its socket error must not crash the harness.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      open();
      gate = Promise.resolve();
    },
    async close() {
      open();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
