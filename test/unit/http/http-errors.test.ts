import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import { toHttpError } from '../../../deployer/http/http-errors.ts';
import { withTimeout } from '../../../deployer/http/with-timeout.ts';

const fastifyError = (statusCode: number, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { statusCode, ...extra });

describe('toHttpError', () => {
  it.each([
    [
      'a DeployerError keeps its status, code and message',
      new DeployerError('SERVICE_NOT_FOUND', 'no service named "x"'),
      { statusCode: 404, body: { error: { code: 'SERVICE_NOT_FOUND', message: 'no service named "x"' } } },
    ],
    [
      'a retryable DeployerError defaults to 503',
      new DeployerError('AWS_THROTTLED', 'slow down'),
      { statusCode: 503, body: { error: { code: 'AWS_THROTTLED', message: 'slow down' } } },
    ],
    [
      "Fastify's body limit is 413 PAYLOAD_TOO_LARGE",
      fastifyError(413, 'Request body is too large'),
      {
        statusCode: 413,
        body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } },
      },
    ],
    [
      'a schema failure is 400 VALIDATION_FAILED',
      fastifyError(400, 'body must NOT have additional properties', { validation: [{}] }),
      {
        statusCode: 400,
        body: { error: { code: 'VALIDATION_FAILED', message: 'body must NOT have additional properties' } },
      },
    ],
    [
      'an unusual 4xx keeps its status with a generic code',
      fastifyError(418, "I'm a teapot"),
      { statusCode: 418, body: { error: { code: 'BAD_REQUEST', message: "I'm a teapot" } } },
    ],
    [
      'an unexpected error is 500 without its message',
      new TypeError('cannot read properties of undefined (reading "secret")'),
      {
        statusCode: 500,
        body: {
          error: { code: 'INTERNAL_ERROR', message: "internal error; the deployer's log has the details" },
        },
      },
    ],
    [
      'a 5xx from Fastify is 500 without its message',
      fastifyError(502, 'upstream exploded at /internal/path'),
      {
        statusCode: 500,
        body: {
          error: { code: 'INTERNAL_ERROR', message: "internal error; the deployer's log has the details" },
        },
      },
    ],
    [
      'a thrown non-error is 500',
      'just a string',
      {
        statusCode: 500,
        body: {
          error: { code: 'INTERNAL_ERROR', message: "internal error; the deployer's log has the details" },
        },
      },
    ],
  ])('toHttpError(%s)', (_name, error, expected) => {
    expect(toHttpError(error)).toEqual(expected);
  });
});

describe('withTimeout', () => {
  it('returns the call result when it finishes in time', async () => {
    await expect(withTimeout('op', 1_000, async () => 'done')).resolves.toBe('done');
  });

  it('rejects with a retryable 503 DeployerError and aborts the signal when the call ignores it', async () => {
    let seen: AbortSignal | undefined;
    const result = withTimeout('queueing', 50, (signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    });
    await expect(result).rejects.toMatchObject({ code: 'AWS_UNAVAILABLE', retryable: true, httpStatus: 503 });
    await expect(result).rejects.toThrow('queueing did not finish within 50 ms');
    expect(seen?.aborted).toBe(true);
  });

  it('passes the call error through unchanged', async () => {
    const failure = new Error('boom');
    await expect(withTimeout('op', 1_000, async () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
