// AWS JSON 1.1 over HTTP (ECS, ECR; JSON 1.0 for CloudWatch, the same shape with another content type):
// POST / with `X-Amz-Target: <Prefix>.<Operation>`; errors are
// HTTP 4xx/5xx with `{"__type": "<Code>", "message": ...}`, which SDK v3 maps to exception classes.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from './aws-error.ts';
import type { FaultInjector } from './faults.ts';
import { readBody } from './http-util.ts';

export type JsonBody = Record<string, unknown>;
export type JsonOperation = (input: JsonBody) => JsonBody | Promise<JsonBody>;

export interface JsonProtocolServerOptions {
  /** One service's prefix, or several when one stand-in also answers a neighbour's API. */
  targetPrefix: string | readonly string[];
  operations: Record<string, JsonOperation>;
  faults?: FaultInjector;
  logger: Logger;
  /** Extra non-AWS routes (admin endpoints); return true when handled. */
  extraRoute?: (method: string, url: string, body: string, response: ServerResponse) => Promise<boolean>;
  /** `application/x-amz-json-1.0` for JSON 1.0 services (CloudWatch); default 1.1. */
  contentType?: string;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

function send(
  response: ServerResponse,
  status: number,
  body: JsonBody,
  errorType?: string,
  contentType = CONTENT_TYPE,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: AwsError, contentType?: string): void {
  send(response, error.status, { __type: error.code, message: error.message }, error.code, contentType);
}

export function createJsonProtocolServer(options: JsonProtocolServerOptions): Server {
  const { targetPrefix, operations, faults, logger } = options;
  const prefixes = typeof targetPrefix === 'string' ? [targetPrefix] : targetPrefix;
  return createServer((request, response) => {
    void (async () => {
      let body = '';
      try {
        body = await readBody(request);
        if (
          options.extraRoute &&
          (await options.extraRoute(request.method ?? '', request.url ?? '/', body, response))
        ) {
          return;
        }
        const target = String(request.headers['x-amz-target'] ?? '');
        const prefix = prefixes.find((candidate) => target.startsWith(`${candidate}.`));
        if (request.method !== 'POST' || prefix === undefined) {
          throw new AwsError('UnknownOperationException', `Unsupported target: ${target || '(none)'}`);
        }
        const operationName = target.slice(prefix.length + 1);
        const operation = Object.hasOwn(operations, operationName) ? operations[operationName] : undefined;
        if (!operation)
          throw new AwsError('UnknownOperationException', `Unsupported operation ${operationName}`);
        const fault = faults?.next();
        if (fault?.kind === 'throttle')
          throw new AwsError('ThrottlingException', 'Rate exceeded (injected fault)');
        if (fault?.kind === 'unavailable') {
          const code = fault.status === 503 ? 'ServiceUnavailableException' : 'ServerException';
          throw new AwsError(code, 'Service unavailable (injected fault)', fault.status);
        }
        let input: JsonBody;
        try {
          const parsed: unknown = body === '' ? {} : JSON.parse(body);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('not an object');
          input = parsed as JsonBody;
        } catch {
          throw new AwsError('SerializationException', 'Request body is not a JSON object');
        }
        const output = await operation(input);
        logger.debug({ operation: operationName }, 'aws call served');
        send(response, 200, output, undefined, options.contentType);
      } catch (error) {
        if (error instanceof AwsError) {
          logger.debug({ code: error.code, status: error.status }, 'aws call answered with an error');
          sendError(response, error, options.contentType);
          return;
        }
        logger.error({ err: error }, 'stand-in handler failed');
        sendError(
          response,
          new AwsError('ServerException', 'Internal error in the local stand-in', 500),
          options.contentType,
        );
      }
    })();
  });
}

// Typed readers for request fields: stand-ins validate like AWS does instead of trusting shapes.
export function optionalString(input: JsonBody, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('InvalidParameterException', `${field} must be a string`);
  return value;
}

export function requiredString(input: JsonBody, field: string, code = 'InvalidParameterException'): string {
  const value = optionalString(input, field);
  if (value === undefined || value === '') throw new AwsError(code, `${field} is required`);
  return value;
}

export function optionalNumber(input: JsonBody, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AwsError('InvalidParameterException', `${field} must be a number`);
  }
  return value;
}

export function optionalArray(input: JsonBody, field: string): unknown[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AwsError('InvalidParameterException', `${field} must be a list`);
  return value;
}
