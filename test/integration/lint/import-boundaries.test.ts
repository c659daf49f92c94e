// The layering rules of biome.json bite: throw-away files placed where the rules apply (in a scratch
// copy of the tree, never in the repository) are linted with the project's own biome.json, and each
// forbidden import must be reported while its allowed twin elsewhere is not. Biome applies overrides
// in order and a later override replaces a rule's options for the files it matches, which once let a
// domain file import node:fs and lint clean.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIOME = path.join(ROOT, 'node_modules', '.bin', 'biome');

/** Throw-away files: where they live and what they import. */
const PROBES: Record<string, string> = {
  'deployer/domain/reads-files.ts':
    "import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n",
  'deployer/domain/calls-aws.ts':
    "import { ECSClient } from '@aws-sdk/client-ecs';\nexport const client = () => new ECSClient({});\n",
  'deployer/domain/reads-env.ts': 'export const region = () => process.env.AWS_REGION;\n',
  'deployer/domain/sleeps.ts': 'export const later = (f: () => void) => setTimeout(f, 1);\n',
  'deployer/domain/uses-adapter.ts':
    "import { EcsAdapter } from '../adapters/aws/ecs-adapter.ts';\nexport const adapter = EcsAdapter;\n",
  'deployer/domain/payload-types.ts':
    "import type { PushEvent } from '@octokit/openapi-webhooks-types';\nexport type Push = PushEvent;\n",
  'deployer/adapters/reads-files.ts':
    "import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n",
  'deployer/adapters/calls-aws.ts':
    "import { ECSClient } from '@aws-sdk/client-ecs';\nexport const client = () => new ECSClient({});\n",
  'deployer/http/calls-aws.ts':
    "import { ECSClient } from '@aws-sdk/client-ecs';\nexport const client = () => new ECSClient({});\n",
};

let scratch: string;
const reported = new Map<string, string[]>();

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-lint-'));
  await copyFile(path.join(ROOT, 'biome.json'), path.join(scratch, 'biome.json'));
  for (const [file, text] of Object.entries(PROBES)) {
    await mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
    await writeFile(path.join(scratch, file), text);
  }
  // Biome exits 1 when it reports errors: the JSON report is what we read either way.
  const output = await run(
    BIOME,
    ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', 'deployer'],
    {
      cwd: scratch,
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(output.stdout) as {
    diagnostics: { category: string; message: string; location: { path: string } }[];
  };
  for (const diagnostic of report.diagnostics) {
    const list = reported.get(diagnostic.location.path) ?? [];
    list.push(`${diagnostic.category}: ${diagnostic.message}`);
    reported.set(diagnostic.location.path, list);
  }
}, 60_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('biome.json import boundaries', () => {
  it.each([
    ['deployer/domain/reads-files.ts', /noRestrictedImports: deployer\/domain is pure: read files/],
    ['deployer/domain/calls-aws.ts', /noRestrictedImports: Only deployer\/adapters may import the AWS SDK/],
    ['deployer/domain/reads-env.ts', /noRestrictedGlobals: .*process/],
    ['deployer/domain/sleeps.ts', /noRestrictedGlobals: .*setTimeout/],
    ['deployer/domain/uses-adapter.ts', /noRestrictedImports: deployer\/domain must not depend on adapters/],
    ['deployer/http/calls-aws.ts', /noRestrictedImports: Only deployer\/adapters .*may import the AWS SDK/],
  ])('lint fails %s', (file, rule) => {
    expect(reported.get(file)?.join('\n')).toMatch(rule);
  });

  it.each([
    'deployer/adapters/reads-files.ts',
    'deployer/adapters/calls-aws.ts',
    'deployer/domain/payload-types.ts',
  ])('lint passes %s', (file) => {
    expect(reported.get(file)).toBeUndefined();
  });
});
