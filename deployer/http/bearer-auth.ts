// Token checks for the deployer's HTTP API, with named, scoped tokens (deployer/shared/api-tokens.ts).
// - Mutating endpoints ALWAYS need `Authorization: Bearer <token>` of an `operate` token.
// - Read endpoints (status, metrics, dashboard) are public in local mode; in aws mode they accept any
//   token as a bearer header, or a dashboard session cookie. A browser gets the cookie by POSTing the
//   token to the sign-in form (never in a URL: URLs land in ALB and CloudFront access logs).
// The session cookie holds `<token name>.<expiry>.<HMAC keyed by that token>`: no token, valid on every
// replica, refused by the server once expired (whatever the browser keeps), and void once the token is
// rotated. Alone it only reads. The session of an `operate` token can also act from the dashboard page,
// with the page's action key in a header (dashboard/operator-session.ts): a cross-site form cannot.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiToken } from '../shared/api-tokens.ts';
import { sendError } from './http-errors.ts';

const REALM = 'ecs-gitops';
export const READ_SESSION_COOKIE = 'ecs_gitops_session';
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

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

/** The token whose secret was presented (every token compared, so timing does not tell which). */
export function findToken(tokens: readonly ApiToken[], presented: string | undefined): ApiToken | undefined {
  let found: ApiToken | undefined;
  for (const token of tokens) if (tokenMatches(token.secret, presented)) found = token;
  return found;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

const sessionMac = (token: ApiToken, expiresAt: number) =>
  createHmac('sha256', token.secret)
    .update(`ecs-gitops session v2|${token.name}|${expiresAt}`)
    .digest('base64url');

/** A session cookie value for `token`, valid until `now + SESSION_MAX_AGE_SECONDS`. */
export function issueSession(token: ApiToken, nowMs: number): string {
  const expiresAt = Math.floor(nowMs / 1000) + SESSION_MAX_AGE_SECONDS;
  return `${token.name}.${expiresAt}.${sessionMac(token, expiresAt)}`;
}

/** The token a session cookie was issued for, if its MAC holds and it has not expired. */
export function verifySession(
  tokens: readonly ApiToken[],
  value: string | undefined,
  nowMs: number,
): ApiToken | undefined {
  const match = /^([a-z0-9_-]+)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match) return undefined;
  const [, name, expiry, mac] = match as unknown as [string, string, string, string];
  const token = tokens.find((candidate) => candidate.name === name);
  const expiresAt = Number(expiry);
  if (!token || !tokenMatches(sessionMac(token, expiresAt), mac)) return undefined;
  return expiresAt * 1000 > nowMs ? token : undefined;
}

/** Set-Cookie for a session: HttpOnly, SameSite=Strict, Secure when the viewer used HTTPS. */
export function sessionCookie(request: FastifyRequest, value: string): string {
  // CloudFront → ALB is plain HTTP in infra/, so the viewer's HTTPS shows only in CloudFront's header.
  const viaHttps = request.protocol === 'https' || request.headers['cloudfront-forwarded-proto'] === 'https';
  return `${READ_SESSION_COOKIE}=${value}; Path=/; Max-Age=${SESSION_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${viaHttps ? '; Secure' : ''}`;
}

function unauthorized(reply: FastifyReply, presented: boolean, message: string): FastifyReply {
  const challenge = presented ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`;
  return sendError(reply.header('www-authenticate', challenge), 401, 'UNAUTHORIZED', message);
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

const callers = new WeakMap<FastifyRequest, ApiToken>();

/** The name of the operate token a request was let through with (what a rollout records as its trigger). */
export function callerName(request: FastifyRequest): string | undefined {
  return callers.get(request)?.name;
}

/**
 * onRequest hook for mutating endpoints: the bearer header of an `operate` token, or the dashboard page
 * of an operate token's session (its session cookie plus the page's action key header).
 */
export function requireOperate(
  tokens: readonly ApiToken[],
  dashboardCaller?: (request: FastifyRequest) => ApiToken | 'no-key' | undefined,
): Hook {
  return async (request, reply) => {
    const presented = bearerToken(request.headers.authorization);
    const caller = presented === undefined ? dashboardCaller?.(request) : undefined;
    if (caller === 'no-key')
      return sendError(
        reply,
        403,
        'FORBIDDEN',
        'a dashboard session acts only from the dashboard page, with its action key (reload the page)',
      );
    const token = caller ?? findToken(tokens, presented);
    if (token?.scope === 'operate') {
      callers.set(request, token);
      return undefined;
    }
    if (token)
      return sendError(
        reply.header(
          'www-authenticate',
          `Bearer realm="${REALM}", error="insufficient_scope", scope="operate"`,
        ),
        403,
        'FORBIDDEN',
        `the token '${token.name}' has the read scope; this action needs an operate token`,
      );
    if (tokens.length === 0)
      return unauthorized(reply, false, 'the API is disabled: the deployer has no STATUS_TOKEN configured');
    return unauthorized(
      reply,
      presented !== undefined,
      presented === undefined
        ? 'send an operate token as `Authorization: Bearer <token>` (STATUS_TOKEN or an API_TOKENS entry)'
        : 'the bearer token is not one of the deployer API tokens',
    );
  };
}

/** onRequest hook for read endpoints: public when `publicReads`, else any token's header or a session. */
export function requireReadAccess(
  tokens: readonly ApiToken[],
  publicReads: boolean,
  now: () => number = Date.now,
): Hook {
  return async (request, reply) => {
    if (publicReads) return undefined;
    const header = bearerToken(request.headers.authorization);
    if (findToken(tokens, header)) return undefined;
    if (verifySession(tokens, cookieValue(request.headers.cookie, READ_SESSION_COOKIE), now()))
      return undefined;
    return unauthorized(
      reply,
      header !== undefined,
      'this deployer runs in aws mode: send `Authorization: Bearer <token>` (browsers: sign in on /dashboard)',
    );
  };
}
