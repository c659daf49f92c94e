// A config snapshot from the source (git or a directory) parsed and validated, with file paths as they
// are in the repository (where the fix goes): the source's `prefix` (e.g. `config/`) is stripped for
// the parser and put back in every error and every service's source.
import { parseConfigFiles } from '../domain/config/parse-config-files.ts';
import type { StackValues } from '../domain/config/stack-values.ts';
import type { ConfigLoadResult } from '../domain/types.ts';
import type { ConfigSnapshot } from '../ports.ts';

export function parseSnapshot(
  { files, revision, problems = [] }: ConfigSnapshot,
  prefix: string,
  stackValues: StackValues,
): ConfigLoadResult {
  const relative = files
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => ({ path: f.path.slice(prefix.length), text: f.text }));
  const result = parseConfigFiles(relative, revision, stackValues);
  const full = (file: string) => `${prefix}${file}`;
  // Files the source would not read (over a size limit) reject the revision like any invalid file.
  if (!result.ok || problems.length > 0) {
    const errors = result.ok ? [] : result.errors.map((e) => ({ ...e, file: full(e.file) }));
    return { ok: false, revision, errors: [...problems, ...errors] };
  }
  for (const service of result.state.services) service.source = { file: full(service.source.file) };
  return result;
}
