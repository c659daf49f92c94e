// HttpAnalysisProbe against a hostile analysis URL on loopback: what the status may quote (the body's
// start as text, whatever its type), and what it must survive: a server that never answers (the timeout),
// a body without end (cut at 8 KiB, the connection closed), a redirect (not followed).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAnalysisProbe } from '../../../deployer/adapters/http/analysis-probe.ts';
import { judgeAnalysisAnswer } from '../../../deployer/domain/analysis.ts';
import { close, listen } from '../../../local/http-util.ts';

let server: Server;
let base: string;
const signal = new AbortController().signal;
/** analysis-probe.ts keeps the first 8 KiB of an answer (docs/config.md says so). */
const ANALYSIS_BODY_LIMIT_BYTES = 8 * 1024;
const probe = new HttpAnalysisProbe({ allowPrivateNetworks: true });
/** Bytes the endless body wrote before the probe hung up. */
let endlessWritten = 0;
let endlessClosed: Promise<void> = Promise.resolve();

beforeAll(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case '/fail':
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('p99 latency 840 ms > 300 ms\nsecond line');
        return;
      case '/json':
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end('{"error":"error budget spent"}');
        return;
      case '/redirect':
        response.writeHead(302, { location: '/fail' });
        response.end('moved');
        return;
      case '/slow':
        // Never answers; the probe's timeout must end the wait.
        return;
      case '/endless': {
        response.writeHead(500, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        endlessWritten = 0;
        endlessClosed = new Promise((resolve) => response.on('close', () => resolve()));
        const pump = () => {
          while (!response.destroyed && endlessWritten < 200 * 1024 * 1024) {
            endlessWritten += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
        return;
      }
      default:
        response.writeHead(204);
        response.end();
    }
  });
  base = `http://127.0.0.1:${await listen(server, 0)}`;
});
afterAll(async () => {
  await close(server);
});

describe('HttpAnalysisProbe', () => {
  it('get answers the status and the body as text, whatever its content type', async () => {
    expect(await probe.get(`${base}/fail`, 2_000, signal)).toEqual({
      status: 500,
      text: 'p99 latency 840 ms > 300 ms\nsecond line',
    });
    expect(await probe.get(`${base}/json`, 2_000, signal)).toEqual({
      status: 503,
      text: '{"error":"error budget spent"}',
    });
    expect(await probe.get(`${base}/ok`, 2_000, signal)).toEqual({ status: 204, text: '' });
  });

  it('get does not follow a redirect: the 302 is the answer, and it fails the analysis', async () => {
    const answer = await probe.get(`${base}/redirect`, 2_000, signal);
    expect(answer.status).toBe(302);
    expect(judgeAnalysisAnswer(`${base}/redirect`, answer).failure).toBe(
      'analysis URL answered HTTP 302: moved',
    );
  });

  it('get gives up on a server that never answers after its timeout', async () => {
    await expect(probe.get(`${base}/slow`, 300, signal)).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      message: expect.stringContaining('timed out after 300 ms'),
    });
  });

  it('get keeps only the start of an endless body and hangs up', async () => {
    const answer = await probe.get(`${base}/endless`, 5_000, signal);
    expect(answer.status).toBe(500);
    expect(answer.text.length).toBe(ANALYSIS_BODY_LIMIT_BYTES);
    await endlessClosed;
    expect(endlessWritten).toBeLessThan(50 * 1024 * 1024);
    const failure = judgeAnalysisAnswer(`${base}/endless`, answer).failure ?? '';
    expect(failure.length).toBeLessThan(200);
  });
});
