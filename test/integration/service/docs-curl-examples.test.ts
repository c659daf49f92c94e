// The `curl -u` examples of docs/service.md (and so of the README) run for real against the service
// started the way the doc says, and must print what the doc says they print.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllServiceProcesses,
  listeningUrl,
  type ServiceProcess,
  startServiceProcess,
} from './support/service-process.ts';

const run = promisify(execFile);
const doc = readFileSync(new URL('../../../docs/service.md', import.meta.url), 'utf8');

interface CurlExample {
  command: string;
  expected: string[];
}

/** `curl ...` lines of the "Call it" block, each with the `# ...` lines that follow it. */
function curlExamples(markdown: string): CurlExample[] {
  const section = markdown.split('### Call it')[1]?.split('```sh')[1]?.split('```')[0] ?? '';
  const examples: CurlExample[] = [];
  for (const line of section.split('\n')) {
    if (line.startsWith('curl ')) examples.push({ command: line, expected: [] });
    else if (line.startsWith('# ')) examples.at(-1)?.expected.push(line.slice(2));
  }
  return examples;
}

/** The env assignments of the documented run command, e.g. ACTORS_AUTH_USER=kirk. */
function documentedEnv(markdown: string): Record<string, string> {
  const command = /^(.*) npm run start:service$/m.exec(markdown)?.[1] ?? '';
  return Object.fromEntries(
    [...command.matchAll(/(\w+)='?([^'\s]*)'?/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

/** Splits a doc line like `curl -u kirk:change-me http://...` into argv (no quoting used there). */
const argv = (command: string, base: string) =>
  command.replace('http://localhost:5000', base).split(/\s+/).slice(1);

let service: ServiceProcess;
let base: string;

beforeAll(async () => {
  service = startServiceProcess({ ...documentedEnv(doc), PORT: '0', HOST: '127.0.0.1' });
  base = (await listeningUrl(service)).replace(/\/$/, '');
});

afterAll(() => killAllServiceProcesses());

describe('docs/service.md curl examples', () => {
  const examples = curlExamples(doc);

  it('documents a run command with credentials and at least six curl calls', () => {
    expect(documentedEnv(doc)).toMatchObject({ ACTORS_AUTH_USER: 'kirk', ACTORS_AUTH_PASSWORD: 'change-me' });
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  for (const example of curlExamples(doc)) {
    it(`${example.command} prints what the doc shows`, async () => {
      const { stdout } = await run('curl', ['-sS', ...argv(example.command, base)]);
      for (const expected of example.expected) {
        // `(404)` notes and `...` elisions are the doc's, not the service's.
        const text = expected.replace(/\s+\(\d{3}\)$/, '').trim();
        const [head] = text.split('...');
        if (example.command.includes(' -i ')) expect(stdout.toLowerCase()).toContain(text.toLowerCase());
        else expect(stdout.startsWith(head ?? text), `${stdout} starts with ${head}`).toBe(true);
      }
    });
  }
});
