// The baseline of bench:actors: a bare node:http server doing what the actors service does for
// GET /actors and nothing else: the same routing (GET/HEAD /actors, 404 elsewhere), the same basic
// auth check (the service's own function, 401 with a challenge), the same bytes and content type.
// So the ratio prices what Fastify, hooks and logging add, not the work any server must do.
//   BODY_FILE=<path> CONTENT_TYPE=<type> ACTORS_AUTH_USER=<u> ACTORS_AUTH_PASSWORD=<p> PORT=<port> \
//     node bench/support/bare-http-server.ts
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { BASIC_AUTH_CHALLENGE, createBasicAuthCheck } from '../../service/basic-auth.ts';

const body = readFileSync(process.env.BODY_FILE ?? '');
const contentType = process.env.CONTENT_TYPE ?? 'application/json; charset=utf-8';
const authorized = createBasicAuthCheck({
  user: process.env.ACTORS_AUTH_USER ?? '',
  password: process.env.ACTORS_AUTH_PASSWORD ?? '',
});

function sendJson(
  response: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (path !== '/actors' || (request.method !== 'GET' && request.method !== 'HEAD')) {
    sendJson(response, 404, '{"error":{"code":"NOT_FOUND","message":"no route"}}');
    return;
  }
  if (!authorized(request.headers.authorization)) {
    sendJson(response, 401, '{"error":{"code":"UNAUTHORIZED","message":"credentials required"}}', {
      'www-authenticate': BASIC_AUTH_CHALLENGE,
    });
    return;
  }
  response.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  response.end(body);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write('listening\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
