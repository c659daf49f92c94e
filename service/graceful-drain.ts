// Makes app.close() finish promptly while keep-alive clients are connected. Node's server.close()
// only closes connections that are idle at that instant: a connection whose request is in flight
// becomes idle after its response and would then stay open until keepAliveTimeout (65 s, longer
// than ECS waits). So while draining, responses say `Connection: close`, and idle connections are
// closed as they appear.
import type { FastifyInstance } from 'fastify';

export function enableGracefulDrain(app: FastifyInstance, pollMs = 50): void {
  let draining = false;
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('Connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', async () => {
    draining = true;
    sweeper = setInterval(() => app.server.closeIdleConnections(), pollMs);
    sweeper.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
  });
}
