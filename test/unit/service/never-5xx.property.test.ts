// Properties over generated input: whatever a client sends, the service answers with a 2xx/4xx and
// a JSON body, and the basic auth parser never throws and round-trips what a client encodes.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActorsApp } from '../../../service/app.ts';
import { createBasicAuthCheck, parseBasicAuth } from '../../../service/basic-auth.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const CREDENTIALS = { user: 'alice', password: 's3cret' };
const AUTH = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

let app: FastifyInstance;

beforeAll(async () => {
  app = buildActorsApp({
    credentials: CREDENTIALS,
    version: { digest: null, revision: null, image: null, version: '0.0.0' },
  });
  await app.ready();
});

afterAll(() => app.close());

const segment = fc.oneof(
  fc.constantFrom('actors', 'health', 'version', '1', '8', '9', '-1', '1.5', '%', '%zz', '..', '%2F', ''),
  fc.string({ maxLength: 12 }).map((text) => encodeURIComponent(text)),
);
const pathArbitrary = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .chain((parts) =>
    fc
      .option(fc.string({ maxLength: 10 }), { nil: undefined })
      .map((query) => `/${parts.join('/')}${query === undefined ? '' : `?${encodeURIComponent(query)}`}`),
  );
const authorizationArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.constant(AUTH),
  fc.string({ maxLength: 40 }).map((text) => `Basic ${text}`),
  fc.string({ maxLength: 40 }).map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
  fc.uint8Array({ maxLength: 30 }).map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`),
);
const bodyArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 50 }).map((text) => ({ type: 'application/json', text })),
  fc.string({ maxLength: 50 }).map((text) => ({ type: 'text/plain', text })),
  fc.string({ maxLength: 50 }).map((text) => ({ type: 'application/x-www-form-urlencoded', text })),
);

describe('the actors app under generated requests', () => {
  it('never answers 5xx, and every answer with a body is JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        pathArbitrary,
        authorizationArbitrary,
        bodyArbitrary,
        async (method, url, authorization, body) => {
          const headers: Record<string, string> = {};
          if (authorization !== undefined) headers.authorization = authorization;
          const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
          if (hasBody) headers['content-type'] = body.type;
          const response = await app.inject({
            method,
            url,
            headers,
            ...(hasBody ? { payload: body.text } : {}),
          });
          expect(response.statusCode, `${method} ${url}`).toBeLessThan(500);
          if (method !== 'HEAD' && response.statusCode !== 204) {
            expect(response.headers['content-type'], `${method} ${url}`).toMatch(/^application\/json/);
            const parsed: unknown = JSON.parse(response.body);
            if (response.statusCode >= 400) expect(parsed).toHaveProperty('error.code');
          }
        },
      ),
      { numRuns: propertyRuns(400) },
    );
  });
});

describe('parseBasicAuth properties', () => {
  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        parseBasicAuth(header);
        parseBasicAuth(`Basic ${header}`);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('round-trips every user without a colon and every password a client encodes as UTF-8', () => {
    const user = fc.string({ maxLength: 20 }).filter((text) => !text.includes(':'));
    const password = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(user, password, (u, p) => {
        const header = `Basic ${Buffer.from(`${u}:${p}`, 'utf8').toString('base64')}`;
        const wellFormed = u.isWellFormed() && p.isWellFormed();
        expect(parseBasicAuth(header)).toEqual(wellFormed ? { user: u, password: p } : expect.anything());
        if (wellFormed) expect(createBasicAuthCheck({ user: u, password: p })(header)).toBe(true);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('accepts no credentials but the configured ones', () => {
    const check = createBasicAuthCheck(CREDENTIALS);
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (u, p) => {
        fc.pre(!(u === CREDENTIALS.user && p === CREDENTIALS.password));
        expect(check(`Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`)).toBe(false);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });
});
