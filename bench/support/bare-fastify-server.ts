// A second reference point for bench:actors: Fastify with no auth, hooks or schema, answering the
// same bytes. Separates the framework's own cost from what the actors service adds on top.
//   BODY_FILE=<path> CONTENT_TYPE=<type> PORT=<port> node bench/support/bare-fastify-server.ts
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = readFileSync(process.env.BODY_FILE ?? '');
const contentType = process.env.CONTENT_TYPE ?? 'application/json; charset=utf-8';
const app = Fastify({ logger: false });
app.get('/actors', (_request, reply) => reply.header('content-type', contentType).send(body));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write('listening\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
