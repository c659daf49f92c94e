// docs/aws.md ("Deploy to AWS") walked against the synthesized template and the project: its commands
// name npm scripts and context keys that exist, the outputs it tells a user to read exist (and every
// output is documented), and the hand steps are exactly the GitHub webhook and its secret.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, EXAMPLE_GITHUB_CONTEXT } from '../bin/build-app.ts';
import { SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const doc = readFileSync(resolve(ROOT, 'docs/aws.md'), 'utf8');
const scripts = (
  JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const shellBlocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const section = (title: string) => {
  const start = doc.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 3);
  return doc.slice(start, end < 0 ? undefined : end);
};

let outputs: string[];

beforeAll(() => {
  // With the optional GitHub push role, so its output counts as one the docs must name.
  outputs = Object.keys(synthApp({ ...EXAMPLE_GITHUB_CONTEXT }).template.findOutputs('*'));
}, SYNTH_TIMEOUT_MS);

describe('docs/aws.md', () => {
  it('runs npm scripts that exist, and npm run deploy bootstraps then deploys', () => {
    const used = shellBlocks.flatMap((block) => [...block.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(used).toContain('deploy');
    for (const script of used) expect(scripts[script], `npm run ${script}`).toBeDefined();
    expect(scripts.deploy).toMatch(/cdk@2 bootstrap && .*cdk@2 deploy$/);
  });

  it('passes only context keys the app reads, and documents every one of them', () => {
    const passed = [...doc.matchAll(/-c (\w+)=/g)].map((m) => m[1]!);
    expect(passed.length).toBeGreaterThan(0);
    for (const key of passed) expect(CONTEXT_KEYS, `-c ${key}`).toContain(key);
    const table = section('One command');
    for (const key of CONTEXT_KEYS) expect(table, key).toContain(`\`${key}\``);
  });

  it('names only outputs the template has, and every output the template has', () => {
    const named = [...section('Outputs').matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1]!);
    const placeholders = [...doc.matchAll(/<([A-Z][A-Za-z]+(?:Url|Arn|Id))>/g)].map((m) => m[1]!);
    for (const name of [...named, ...placeholders]) expect(outputs, name).toContain(name);
    for (const output of outputs) expect(named, output).toContain(output);
  });

  it('lists exactly two hand steps: the webhook and its secret, both from stack outputs', () => {
    const steps = section('Wire the GitHub webhook').match(/^\d+\. .*$/gm) ?? [];
    expect(steps).toHaveLength(2);
    expect(steps[0]).toContain('`WebhookUrl`');
    expect(steps[1]).toContain('<WebhookSecretArn>');
  });
});
