// Answers requests Node's HTTP parser rejects before Fastify sees them (oversized headers, malformed
// request lines, timeouts) with the service's JSON error shape instead of Fastify's default body.
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyBaseLogger } from 'fastify';
import { codeForStatus, errorBody } from './http-errors.ts';

interface ClientErrorAnswer {
  statusCode: number;
  reason: string;
  message: string;
}

function answerFor(code: string | undefined): ClientErrorAnswer {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      statusCode: 431,
      reason: 'Request Header Fields Too Large',
      message: 'request headers exceed the size limit',
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { statusCode: 408, reason: 'Request Timeout', message: 'the request took too long to arrive' };
  }
  return { statusCode: 400, reason: 'Bad Request', message: 'malformed HTTP request' };
}

/** Fastify's `clientErrorHandler` option, logging to `logger` (Fastify itself has none: app.ts). */
export function clientErrorAnswerer(
  logger: FastifyBaseLogger,
): (error: ConnectionError, socket: Socket) => void {
  return (error, socket) => answerClientError(logger, error, socket);
}

function answerClientError(logger: FastifyBaseLogger, error: ConnectionError, socket: Socket): void {
  // A reset or already closed socket has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = answerFor(error.code);
  logger.debug({ err: error, statusCode: answer.statusCode }, 'rejected malformed request');
  if (socket.writable) {
    const body = JSON.stringify(errorBody(codeForStatus(answer.statusCode), answer.message));
    socket.write(
      `HTTP/1.1 ${answer.statusCode} ${answer.reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
