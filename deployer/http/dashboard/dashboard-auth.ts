// Who may read the dashboard. Local mode: everyone (the deployer binds 127.0.0.1). aws mode: holders of
// the status token, sent either as `Authorization: Bearer <token>` (curl, an authenticating proxy) or,
// for browsers (EventSource cannot send headers), as a session cookie set by the sign-in form.
// The cookie never holds the token itself: it holds an HMAC derived from it that only opens the
// read-only dashboard routes, so a leaked cookie cannot call the mutating API (which always needs the
// Bearer token). The token travels in a POST body, never in a URL, so it stays out of access logs.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'ecs_gitops_dashboard';
const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface DashboardAuth {
  /** True when no token is configured (local mode). */
  readonly public: boolean;
  isAllowed(request: FastifyRequest): boolean;
  tokenMatches(candidate: string): boolean;
  sessionCookie(secure: boolean): string;
  clearedCookie(secure: boolean): string;
}

export function createDashboardAuth(readToken: string | undefined): DashboardAuth {
  if (readToken === undefined || readToken === '') {
    return {
      public: true,
      isAllowed: () => true,
      tokenMatches: () => true,
      sessionCookie: () => '',
      clearedCookie: () => '',
    };
  }
  const session = createHmac('sha256', readToken).update('ecs-gitops dashboard session v1').digest('hex');
  const tokenMatches = (candidate: string) => constantTimeEqual(candidate, readToken);
  return {
    public: false,
    tokenMatches,
    isAllowed(request) {
      const bearer = bearerToken(request.headers.authorization);
      if (bearer !== undefined && tokenMatches(bearer)) return true;
      const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
      return cookie !== undefined && constantTimeEqual(cookie, session);
    },
    sessionCookie: (secure) => cookieHeader(session, SESSION_MAX_AGE_SECONDS, secure),
    clearedCookie: (secure) => cookieHeader('', 0, secure),
  };
}

function cookieHeader(value: string, maxAge: number, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

/** Requests that arrived over HTTPS, directly or through a TLS-terminating load balancer. */
export function isSecureRequest(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function constantTimeEqual(a: string, b: string): boolean {
  // Hash first so lengths never leak and timingSafeEqual always gets equal-length buffers.
  const ha = createHmac('sha256', 'compare').update(a).digest();
  const hb = createHmac('sha256', 'compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}
