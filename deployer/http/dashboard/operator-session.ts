// Dashboard actions for operators. A session cookie (bearer-auth.ts) of an `operate` token may call the
// API from the dashboard page, and only with the page's action key in a header: an HMAC of the session,
// keyed by the token, that the page receives in its HTML. A cross-site form cannot send a header, a
// cross-site script cannot read the page (no CORS), and the cookie is SameSite=Strict; a read token's
// session gets no key and no buttons, and the API refuses it (403) whatever it sends.
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiToken } from '../../shared/api-tokens.ts';
import { cookieValue, READ_SESSION_COOKIE, tokenMatches, verifySession } from '../bearer-auth.ts';

export const ACTION_KEY_HEADER = 'x-ecs-gitops-action-key';

/** What the page needs to offer actions: who acts, and the key to send. */
export interface Operator {
  name: string;
  actionKey: string;
}

const actionKeyOf = (token: ApiToken, session: string) =>
  createHmac('sha256', token.secret).update(`ecs-gitops action v1|${session}`).digest('base64url');

/** The session's token, when the request carries a valid session cookie. */
export function sessionToken(
  tokens: readonly ApiToken[],
  request: FastifyRequest,
  nowMs: number,
): { token: ApiToken; session: string } | undefined {
  const session = cookieValue(request.headers.cookie, READ_SESSION_COOKIE);
  const token = verifySession(tokens, session, nowMs);
  return token && session ? { token, session } : undefined;
}

/** The operator a dashboard page is rendered for: a valid session of an operate token, else none. */
export function operatorOf(
  tokens: readonly ApiToken[],
  request: FastifyRequest,
  nowMs: number,
): Operator | undefined {
  const found = sessionToken(tokens, request, nowMs);
  if (found?.token.scope !== 'operate') return undefined;
  return { name: found.token.name, actionKey: actionKeyOf(found.token, found.session) };
}

/**
 * An API request made by the dashboard page: the session's token when the action key matches the
 * session (any scope: the caller checks it), `'no-key'` for a session without the right key.
 */
export function dashboardCaller(
  tokens: readonly ApiToken[],
  request: FastifyRequest,
  nowMs: number,
): ApiToken | 'no-key' | undefined {
  const found = sessionToken(tokens, request, nowMs);
  if (!found) return undefined;
  const presented = request.headers[ACTION_KEY_HEADER];
  const key = typeof presented === 'string' ? presented : undefined;
  return tokenMatches(actionKeyOf(found.token, found.session), key) ? found.token : 'no-key';
}
