// `npm run schema`: writes config/service.schema.json from the schema the loader uses, so editors
// (yaml-language-server, VS Code, JetBrains) validate service files exactly like the deployer does.
// `--check` only compares (as data, not text), exiting 1 when the committed file is stale (for CI).
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { serviceSchema } from '../domain/config/service-schema.ts';

const ROOT = path.join(import.meta.dirname, '../..');
export const SCHEMA_FILE = path.join(ROOT, 'config/service.schema.json');

/** True when the file on disk holds exactly the schema the loader validates with. */
export async function schemaFileIsCurrent(file = SCHEMA_FILE): Promise<boolean> {
  try {
    return isDeepStrictEqual(JSON.parse(await readFile(file, 'utf8')), serviceSchema);
  } catch {
    return false;
  }
}

/** `write-schema.ts [file] [--check]`; file defaults to config/service.schema.json. */
async function main(args: string[]): Promise<number> {
  const file = path.resolve(args.find((a) => !a.startsWith('-')) ?? SCHEMA_FILE);
  const shown = path.relative(process.cwd(), file);
  if (args.includes('--check')) {
    if (await schemaFileIsCurrent(file)) return 0;
    process.stderr.write(`${shown} is out of date; run \`npm run schema\` and commit it\n`);
    return 1;
  }
  await writeFile(file, `${JSON.stringify(serviceSchema, null, 2)}\n`);
  // Same layout as `npm run lint` expects; the content is already right if biome is unavailable.
  try {
    execFileSync(path.join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', file], {
      stdio: 'ignore',
    });
  } catch {
    process.stderr.write(`note: could not format ${shown} with biome; run \`npx biome format --write\`\n`);
  }
  process.stdout.write(`wrote ${shown}\n`);
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
