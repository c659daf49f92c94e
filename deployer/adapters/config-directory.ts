// Loads and validates `<dir>/services/*.y{a,}ml` from a plain directory (CLI `validate`, infra, tests).
// Reads through DirectoryConfigSource so the revision is the same content hash the deployer reports
// when it runs on that directory; error file names are `<dir>/services/<file>` as the caller wrote dir.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseConfigFiles } from '../domain/config/parse-config-files.ts';
import type { StackValues } from '../domain/config/stack-values.ts';
import type { ConfigLoadResult } from '../domain/types.ts';
import { DirectoryConfigSource } from './directory-config-source.ts';

const EMPTY_REVISION = 'none';

function failure(file: string, message: string): ConfigLoadResult {
  return { ok: false, revision: EMPTY_REVISION, errors: [{ file, line: 1, column: 1, field: '', message }] };
}

async function isDirectory(dir: string): Promise<boolean | 'missing'> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** When `dir` itself holds the YAML files, the caller most likely passed `config/services` for `config`. */
async function passedServicesHint(dir: string): Promise<string> {
  try {
    const names = await readdir(dir);
    return names.some((n) => /\.ya?ml$/i.test(n))
      ? `; ${dir} itself holds YAML files: pass its parent directory ${path.dirname(dir)} instead`
      : '';
  } catch {
    return '';
  }
}

/** `stackValues` resolves `${stack:Name}` placeholders; without them only their syntax is checked. */
export async function loadConfigDirectory(
  dir: string,
  signal = AbortSignal.timeout(30_000),
  stackValues?: StackValues,
): Promise<ConfigLoadResult> {
  const services = path.join(dir, 'services');
  for (const [target, what] of [
    [dir, 'config directory'],
    [services, 'services directory'],
  ] as const) {
    let kind: boolean | 'missing';
    try {
      kind = await isDirectory(target);
    } catch (error) {
      return failure(target, `cannot read the ${what}: ${(error as Error).message}`);
    }
    if (kind === 'missing')
      return failure(
        target,
        `${what} ${target} does not exist; create ${services}/<name>.yaml (one file per service, see docs/config.md)${await passedServicesHint(dir)}`,
      );
    if (!kind)
      return failure(
        target,
        `${target} is not a directory; expected a ${what}${target === dir ? ' (the directory that contains services/, e.g. `config`)' : ''}`,
      );
  }
  const absolute = path.resolve(dir);
  // Root and path chosen so the hashed paths read `config/services/x.yaml` for a `config` directory,
  // exactly as DirectoryConfigSource hashes them when the deployer runs on the repository root.
  const source = new DirectoryConfigSource({
    root: path.dirname(absolute),
    configPath: `${path.basename(absolute)}/services`,
  });
  let snapshot: Awaited<ReturnType<DirectoryConfigSource['read']>>;
  try {
    snapshot = await source.read(undefined, signal);
  } catch (error) {
    return failure(services, `cannot read the service configs: ${(error as Error).message}`);
  }
  const prefix = `${path.basename(absolute)}/services/`;
  const local = (file: string) => path.join(services, file.slice(prefix.length));
  const files = snapshot.files.map((f) => ({ path: local(f.path), text: f.text }));
  const result = parseConfigFiles(files, snapshot.revision, stackValues);
  const problems = (snapshot.problems ?? []).map((p) => ({ ...p, file: local(p.file) }));
  if (problems.length === 0) return result;
  return {
    ok: false,
    revision: snapshot.revision,
    errors: [...problems, ...(result.ok ? [] : result.errors)],
  };
}
