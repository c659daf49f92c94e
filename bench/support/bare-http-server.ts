// The baseline of bench:actors: a bare node:http server that answers every request with the same
// bytes and content type the actors service returns for GET /actors. Run as its own process:
//   BODY_FILE=<path> CONTENT_TYPE=<type> PORT=<port> node bench/support/bare-http-server.ts
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BODY_FILE ?? '');
const contentType = process.env.CONTENT_TYPE ?? 'application/json; charset=utf-8';
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  response.end(body);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write('listening\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
