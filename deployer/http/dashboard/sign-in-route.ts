// POST /dashboard/sign-in: the dashboard's sign-in form sends `token` (and `next`, the page to return
// to) as a form body, so the token never appears in a URL (ALB and CloudFront access logs keep URLs).
// A known token of any scope gets a read-only session cookie (bearer-auth.ts) and a 303 back to
// `next`; anything else gets the form again with 401. Sign-ins are logged with the token's name.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { DASHBOARD_PATHS } from '../../contract/dashboard-paths.ts';
import type { ApiToken } from '../../shared/api-tokens.ts';
import { findToken, issueSession, sessionCookie } from '../bearer-auth.ts';
import { allowOnly } from '../http-errors.ts';
import { securityHeaders } from './dashboard-plugin.ts';
import { renderSignInPage } from './render-page.ts';

export interface SignInRouteOptions {
  tokens: readonly ApiToken[];
  now?: () => number;
}

const FORM = 'application/x-www-form-urlencoded';

/** Only a path on this site (`/dashboard`), never another origin (`//evil`, `https://…`). */
const safeNext = (next: string | null): string =>
  next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : DASHBOARD_PATHS.page;

export const signInRoute: FastifyPluginAsync<SignInRouteOptions> = async (app, options) => {
  const now = options.now ?? Date.now;
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) =>
    done(null, new URLSearchParams(String(body))),
  );
  app.post(DASHBOARD_PATHS.signIn, async (request, reply) => {
    const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    const next = safeNext(form.get('next'));
    const token = findToken(options.tokens, form.get('token') ?? undefined);
    if (!token) {
      request.log.info({ route: DASHBOARD_PATHS.signIn }, 'dashboard sign-in refused');
      const nonce = randomBytes(16).toString('base64');
      securityHeaders(reply, nonce);
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(renderSignInPage(nonce, next, true));
    }
    request.log.info({ token: token.name, scope: token.scope }, 'dashboard sign-in');
    return reply
      .header('set-cookie', sessionCookie(request, issueSession(token, now())))
      .header('cache-control', 'no-store')
      .redirect(next, 303);
  });
  // The form itself: where "sign in to act" leads (local mode reads are public, so no 401 shows it).
  app.get(DASHBOARD_PATHS.signIn, async (request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(reply, nonce);
    const next = safeNext(new URL(request.url, 'http://deployer').searchParams.get('next'));
    return reply.type('text/html; charset=utf-8').send(renderSignInPage(nonce, next, false));
  });
  allowOnly(app, DASHBOARD_PATHS.signIn, ['GET', 'POST']);
};
