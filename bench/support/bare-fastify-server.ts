// A second reference point for bench:actors: Fastify with the same route, the same basic auth check
// and the same bytes, but no hooks, schemas or logging. Separates the framework's own cost from
// what the actors service adds on top.
//   BODY_FILE=<path> CONTENT_TYPE=<type> ACTORS_AUTH_USER=<u> ACTORS_AUTH_PASSWORD=<p> PORT=<port> \
//     node bench/support/bare-fastify-server.ts
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { BASIC_AUTH_CHALLENGE, createBasicAuthCheck } from '../../service/basic-auth.ts';

const body = readFileSync(process.env.BODY_FILE ?? '');
const contentType = process.env.CONTENT_TYPE ?? 'application/json; charset=utf-8';
const authorized = createBasicAuthCheck({
  user: process.env.ACTORS_AUTH_USER ?? '',
  password: process.env.ACTORS_AUTH_PASSWORD ?? '',
});
const app = Fastify({ logger: false });
app.get('/actors', (request, reply) =>
  authorized(request.headers.authorization)
    ? reply.header('content-type', contentType).send(body)
    : reply
        .code(401)
        .header('www-authenticate', BASIC_AUTH_CHALLENGE)
        .send({ error: { code: 'UNAUTHORIZED', message: 'credentials required' } }),
);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write('listening\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
