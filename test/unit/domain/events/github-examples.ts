// Real webhook payloads from @octokit/webhooks-examples, by event name.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const definitions = JSON.parse(
  readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
) as Definition[];

/** Every example payload GitHub documents for an event; throws when the event has none. */
export function githubExamples(event: string): Record<string, unknown>[] {
  const found = definitions.find((d) => d.name === event)?.examples ?? [];
  if (found.length === 0) throw new Error(`no @octokit/webhooks-examples payload for "${event}"`);
  return found;
}

export const githubEventNames = (): string[] => definitions.map((d) => d.name);
