// Bearer-token checks for the deployer's HTTP API. Mutating endpoints ALWAYS need
// `Authorization: Bearer <STATUS_TOKEN>`. Read endpoints (status, metrics, dashboard) are public in
// local mode; in aws mode they accept the header, or a read-only session cookie that a browser gets
// by opening any read URL once with `?token=<STATUS_TOKEN>` (page loads and EventSource cannot send
// headers; the dashboard then drops the token from the address bar). The cookie holds an HMAC derived
// from the token, not the token, and is never accepted for mutating requests: a leaked cookie cannot
// roll anything back, and a cross-site form cannot either.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './http-errors.ts';

const REALM = 'ecs-gitops';
export const READ_SESSION_COOKIE = 'ecs_gitops_session';
const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** The read-only session value for a token (stable while the token is). */
export function readSession(token: string): string {
  return createHmac('sha256', token).update('ecs-gitops read session v1').digest('base64url');
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison: hashing both sides first hides the expected length as well. */
export function tokenMatches(expected: string | undefined, presented: string | undefined): boolean {
  if (!expected || presented === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function unauthorized(reply: FastifyReply, presented: boolean, message: string): FastifyReply {
  const challenge = presented ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`;
  return sendError(reply.header('www-authenticate', challenge), 401, 'UNAUTHORIZED', message);
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/** onRequest hook for mutating endpoints: the bearer header, nothing else. */
export function requireToken(token: string | undefined): Hook {
  return async (request, reply) => {
    const presented = bearerToken(request.headers.authorization);
    if (tokenMatches(token, presented)) return undefined;
    if (!token)
      return unauthorized(reply, false, 'the API is disabled: the deployer has no STATUS_TOKEN configured');
    return unauthorized(
      reply,
      presented !== undefined,
      presented === undefined
        ? 'send the deployer token as `Authorization: Bearer <STATUS_TOKEN>`'
        : 'the bearer token is not the deployer STATUS_TOKEN',
    );
  };
}

/** onRequest hook for read endpoints: public when `publicReads`, else header, session cookie or `?token=`. */
export function requireReadAccess(token: string | undefined, publicReads: boolean): Hook {
  const session = token ? readSession(token) : undefined;
  return async (request, reply) => {
    if (publicReads) return undefined;
    const header = bearerToken(request.headers.authorization);
    if (tokenMatches(token, header)) return undefined;
    if (tokenMatches(session, cookieValue(request.headers.cookie, READ_SESSION_COOKIE))) return undefined;
    const query = new URL(request.url, 'http://deployer').searchParams.get('token') ?? undefined;
    if (session && (request.method === 'GET' || request.method === 'HEAD') && tokenMatches(token, query)) {
      // CloudFront → ALB is plain HTTP in infra/, so the viewer's HTTPS shows only in CloudFront's header.
      const viaHttps =
        request.protocol === 'https' || request.headers['cloudfront-forwarded-proto'] === 'https';
      const secure = viaHttps ? '; Secure' : '';
      reply.header(
        'set-cookie',
        `${READ_SESSION_COOKIE}=${session}; Path=/; Max-Age=${SESSION_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
      );
      return undefined;
    }
    return unauthorized(
      reply,
      header !== undefined || query !== undefined,
      'this deployer runs in aws mode: send `Authorization: Bearer <STATUS_TOKEN>` (browsers: open the page once with ?token=<STATUS_TOKEN>)',
    );
  };
}
