// Named API tokens with a scope, so a dashboard viewer's token cannot roll anything back:
// - `read`: status, metrics, dashboard (and a dashboard session);
// - `operate`: read, plus the levers (sync, rollback, suspend, resume).
// STATUS_TOKEN stays what it was: one operate token, named `status-token`. API_TOKENS adds more as
// comma-separated `name:scope:secret` entries, e.g. `viewer:read:<secret>,ci:operate:<secret>`.
export type TokenScope = 'read' | 'operate';

export interface ApiToken {
  /** Shown in logs and audit lines instead of the secret. */
  name: string;
  scope: TokenScope;
  secret: string;
}

export const STATUS_TOKEN_NAME = 'status-token';
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Parses API_TOKENS; problems name the entry (never its secret) and say what to write. */
export function parseApiTokens(
  statusToken: string | undefined,
  raw: string | undefined,
  minSecretLength: number,
): { tokens: ApiToken[]; problems: string[] } {
  const tokens: ApiToken[] = statusToken
    ? [{ name: STATUS_TOKEN_NAME, scope: 'operate', secret: statusToken }]
    : [];
  const problems: string[] = [];
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const [name = '', scope = '', ...rest] = entry.split(':');
    const secret = rest.join(':');
    const where = `API_TOKENS entry ${index + 1}${NAME.test(name) ? ` (${name})` : ''}`;
    if (!NAME.test(name) || (scope !== 'read' && scope !== 'operate') || secret === '')
      problems.push(`${where} must be name:scope:secret with a lower-case name and scope read or operate`);
    else if (secret.length < minSecretLength)
      problems.push(
        `${where}: its secret must be at least ${minSecretLength} characters (e.g. \`openssl rand -hex 32\`)`,
      );
    else if (tokens.some((token) => token.name === name))
      problems.push(`${where}: the name ${name} is used twice`);
    else if (tokens.some((token) => token.secret === secret))
      problems.push(`${where}: its secret is also another token's; give each token its own`);
    else tokens.push({ name, scope, secret });
  });
  return { tokens, problems };
}
