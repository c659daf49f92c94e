// CloudFront stand-in: the REST-XML invalidation API (2020-05-31) that SDK v3 speaks.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from '../aws-error.ts';
import type { FaultInjector } from '../faults.ts';
import { readBody } from '../http-util.ts';
import { type InvalidationStore, type LocalInvalidation, statusOf } from './invalidations.ts';

const API = '/2020-05-31';
const XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

export interface CloudFrontServerOptions {
  store: InvalidationStore;
  faults?: FaultInjector;
  logger: Logger;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (char) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[char]};`,
  );
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(lt|gt|amp|apos|quot);/g,
    (_, name: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[name] ?? '',
  );
}

function tagValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) =>
    unescapeXml(match[1] ?? ''),
  );
}

function invalidationXml(item: LocalInvalidation): string {
  const paths = item.paths.map((path) => `<Path>${escapeXml(path)}</Path>`).join('');
  return (
    `<Invalidation xmlns="${XMLNS}"><Id>${item.id}</Id><Status>${statusOf(item)}</Status>` +
    `<CreateTime>${item.createdAt.toISOString()}</CreateTime><InvalidationBatch><Paths>` +
    `<Quantity>${item.paths.length}</Quantity><Items>${paths}</Items></Paths>` +
    `<CallerReference>${escapeXml(item.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`
  );
}

function listXml(items: LocalInvalidation[]): string {
  const summaries = items
    .map(
      (item) =>
        `<InvalidationSummary><Id>${item.id}</Id><CreateTime>${item.createdAt.toISOString()}</CreateTime>` +
        `<Status>${statusOf(item)}</Status></InvalidationSummary>`,
    )
    .join('');
  return (
    `<InvalidationList xmlns="${XMLNS}"><Marker></Marker><MaxItems>${Math.max(100, items.length)}</MaxItems>` +
    `<IsTruncated>false</IsTruncated><Quantity>${items.length}</Quantity>` +
    `${items.length > 0 ? `<Items>${summaries}</Items>` : ''}</InvalidationList>`
  );
}

function sendXml(
  response: ServerResponse,
  status: number,
  xml: string,
  headers: Record<string, string> = {},
): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': crypto.randomUUID(),
    ...headers,
  });
  response.end(body);
}

function sendError(response: ServerResponse, error: AwsError): void {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  sendXml(
    response,
    error.status,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${error.code}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
  );
}

export function createCloudFrontServer(options: CloudFrontServerOptions): Server {
  const { store, faults, logger } = options;
  return createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request);
        const url = new URL(request.url ?? '/', 'http://local');
        const match = new RegExp(`^${API}/distribution/([^/]+)/invalidation(?:/([^/]+))?$`).exec(
          url.pathname,
        );
        if (!match) throw new AwsError('InvalidRequest', `Unsupported path ${url.pathname}`, 404);
        const fault = faults?.next();
        if (fault?.kind === 'throttle')
          throw new AwsError('Throttling', 'Rate exceeded (injected fault)', 400);
        if (fault?.kind === 'unavailable') {
          throw new AwsError(
            fault.status === 503 ? 'ServiceUnavailable' : 'InternalError',
            'Service unavailable (injected fault)',
            fault.status,
          );
        }
        const distributionId = decodeURIComponent(match[1] ?? '');
        const invalidationId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
        if (request.method === 'POST' && invalidationId === undefined) {
          const callerReference = tagValues(body, 'CallerReference')[0] ?? '';
          const paths = tagValues(body, 'Path');
          const { invalidation, created } = store.create(distributionId, callerReference, paths);
          logger.info(
            { distributionId, invalidation: invalidation.id, created, paths },
            'invalidation requested',
          );
          sendXml(response, 201, invalidationXml(invalidation), {
            location: `http://${request.headers.host ?? '127.0.0.1'}${API}/distribution/${distributionId}/invalidation/${invalidation.id}`,
          });
          return;
        }
        if (request.method === 'GET' && invalidationId !== undefined) {
          sendXml(response, 200, invalidationXml(store.get(distributionId, invalidationId)));
          return;
        }
        if (request.method === 'GET') {
          sendXml(response, 200, listXml(store.list(distributionId)));
          return;
        }
        throw new AwsError('InvalidRequest', `Unsupported method ${request.method}`, 405);
      } catch (error) {
        if (error instanceof AwsError) {
          sendError(response, error);
          return;
        }
        logger.error({ err: error }, 'cloudfront stand-in failed');
        sendError(response, new AwsError('InternalError', 'Internal error in the local stand-in', 500));
      }
    })();
  });
}
