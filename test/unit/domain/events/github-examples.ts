// Real webhook payloads from @octokit/webhooks-examples, by event name: github.com and GitHub
// Enterprise Server releases.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'));
const packageRoot = dirname(root);
const loaded = new Map<string, Definition[]>();
/** Each host's index (up to 4 MB of JSON) is parsed once, not once per event name asked for. */
function load(host: string): Definition[] {
  let definitions = loaded.get(host);
  if (!definitions) {
    definitions = JSON.parse(readFileSync(join(packageRoot, host, 'index.json'), 'utf8')) as Definition[];
    loaded.set(host, definitions);
  }
  return definitions;
}

/** `api.github.com` and every `ghes-*` directory the package ships. */
export const githubHosts: string[] = readdirSync(packageRoot).filter(
  (d) => d === 'api.github.com' || d.startsWith('ghes-'),
);

/** Every example payload GitHub documents for an event; throws when the event has none. */
export function githubExamples(event: string, host = 'api.github.com'): Record<string, unknown>[] {
  const found = load(host).find((d) => d.name === event)?.examples ?? [];
  if (found.length === 0) throw new Error(`no @octokit/webhooks-examples payload for "${event}" on ${host}`);
  return found;
}

export const githubEventNames = (host = 'api.github.com'): string[] => load(host).map((d) => d.name);
