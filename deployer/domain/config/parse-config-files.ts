// Desired state from config files: every `services/<name>.yaml` is parsed with positions, validated
// against the schema and the semantic rules, then checked across files. Collects every error (sorted
// by file and position) instead of stopping at the first, and never throws.
import type { ConfigError, ConfigFile, ConfigLoadResult, ServiceConfig } from '../types.ts';
import { crossFileErrors, type ParsedFile } from './cross-file-checks.ts';
import { environmentIssues } from './environment-checks.ts';
import { dotted } from './field-path.ts';
import { ParsedFileCache } from './parsed-file-cache.ts';
import { type Issue, schemaIssues } from './schema-errors.ts';
import { semanticIssues } from './semantic-checks.ts';
import { resolveStackValues, type StackValues } from './stack-values.ts';
import { toServiceConfigs, type ValidServiceData } from './to-service-config.ts';
import { locate, type Position, sourceText } from './yaml-locations.ts';
import { parseYaml } from './yaml-syntax.ts';

/**
 * Service configs are the YAML files directly inside a `services/` directory; other files are ignored.
 * Backslashes count as separators too, for paths a developer's Windows machine hands the CLI.
 */
export function isServiceConfigPath(path: string): boolean {
  return /(?:^|[\\/])services[\\/][^\\/]+\.ya?ml$/i.test(path);
}

const MAX_ALIAS_EXPANSION = 1000;
/** A service config is a few hundred bytes; anything this large is a mistake (or an attack on the parser). */
export const MAX_FILE_CHARACTERS = 256 * 1024;

type FileOutcome = { errors: ConfigError[]; parsed?: ParsedFile; configs?: ServiceConfig[] };

/** Where `placeholder` starts inside the scalar at `path`, when the scalar is written on one line. */
function placeholderPosition(
  doc: ReturnType<typeof parseYaml>['doc'],
  file: ConfigFile,
  path: Issue['path'],
  placeholder: string,
  at: { line: number; column: number },
): { line: number; column: number } {
  const source = sourceText(doc, file.text, path) ?? '';
  const index = source.indexOf(placeholder);
  if (index < 0 || source.slice(0, index).includes('\n')) return at;
  return { line: at.line, column: at.column + index };
}

/**
 * A file whose text passed every per-file check before: its configs from the kept data. Positions are
 * only needed when a check across files reports this file; only then is its text parsed again.
 */
function fromCache(file: ConfigFile, data: unknown): FileOutcome {
  let positions: ((path: Issue['path'], anchor: Issue['anchor']) => Position) | undefined;
  const position = (path: Issue['path'], anchor: Issue['anchor']): Position => {
    if (!positions) {
      const { doc, lineCounter } = parseYaml(file.text);
      positions = (at, how) => locate(doc, lineCounter, at, how);
    }
    return positions(path, anchor);
  };
  return {
    errors: [],
    parsed: { file: file.path, data, locate: position },
    configs: toServiceConfigs(data as ValidServiceData, file.path),
  };
}

function parseOne(file: ConfigFile, stackValues: StackValues | undefined): FileOutcome {
  const whole = (message: string): FileOutcome => ({
    errors: [{ file: file.path, line: 1, column: 1, field: '', message }],
  });
  if (file.text.length > MAX_FILE_CHARACTERS)
    return whole(
      `the file has ${file.text.length} characters, more than the ${MAX_FILE_CHARACTERS} a service config may have; is it the right file?`,
    );
  const { doc, lineCounter, problems } = parseYaml(file.text);
  if (problems.length > 0) {
    return {
      errors: problems.map((p) => ({ file: file.path, ...p.position, field: '', message: p.message })),
    };
  }
  if (doc.contents === null)
    return whole(
      'the file is empty; a service config needs at least name, cluster, service, container and image (see docs/config.md)',
    );
  let written: unknown;
  try {
    written = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (error) {
    return whole(`cannot read the YAML: ${(error as Error).message}`);
  }
  const resolved = resolveStackValues(written, stackValues);
  const placeholderErrors: ConfigError[] = resolved.issues.map((issue) => ({
    file: file.path,
    ...placeholderPosition(
      doc,
      file,
      issue.path,
      issue.placeholder,
      locate(doc, lineCounter, issue.path, 'value'),
    ),
    field: dotted(issue.path),
    message: issue.message,
  }));
  const data = resolved.data;
  const sourceOf = (path: Issue['path']) => sourceText(doc, file.text, path);
  const schema = schemaIssues(data, sourceOf);
  // Each environment is checked as its merged data; its schema only once the file's own passed (else
  // the same override error would read twice).
  const environmentCheck = (merged: unknown) => [
    ...(schema.length === 0 ? schemaIssues(merged, () => undefined) : []),
    ...semanticIssues(merged),
  ];
  const issues: Issue[] = [...schema, ...semanticIssues(data), ...environmentIssues(data, environmentCheck)];
  const position = (path: Issue['path'], anchor: Issue['anchor']) => locate(doc, lineCounter, path, anchor);
  const parsed: ParsedFile = { file: file.path, data, locate: position };
  if (issues.length > 0 || placeholderErrors.length > 0) {
    return {
      parsed,
      errors: [
        ...placeholderErrors,
        ...issues.map((issue) => ({
          file: file.path,
          ...position(issue.path, issue.anchor),
          field: issue.field ?? dotted(issue.path),
          message: issue.message,
        })),
      ],
    };
  }
  return { errors: [], parsed, configs: toServiceConfigs(data as ValidServiceData, file.path) };
}

function compareErrors(a: ConfigError, b: ConfigError): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0);
}

function unique(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.file}\0${e.line}\0${e.column}\0${e.field}\0${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One per process: the deployer's intake and its served-URL watcher parse the same revisions. */
export const processParseCache = new ParsedFileCache();

/**
 * `stackValues` resolves `${stack:Name}` placeholders (see stack-values.ts); the deployer always passes
 * them. Without them placeholders stay as written and only their syntax is checked (`validate`).
 * `cache` keeps what valid files resolved to, so unchanged files are not parsed again (parsed-file-cache.ts).
 */
export function parseConfigFiles(
  files: ConfigFile[],
  revision: string,
  stackValues?: StackValues,
  cache: ParsedFileCache = processParseCache,
): ConfigLoadResult {
  const errors: ConfigError[] = [];
  const parsed: ParsedFile[] = [];
  const services: ServiceConfig[] = [];
  const serviceFiles = files
    .filter((f) => isServiceConfigPath(f.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  cache.begin(stackValues);
  for (const file of serviceFiles) {
    let outcome: FileOutcome;
    try {
      const kept = cache.get(file.text);
      outcome = kept === undefined ? parseOne(file, stackValues) : fromCache(file, kept);
      if (kept === undefined && outcome.errors.length === 0 && outcome.parsed)
        cache.set(file.text, outcome.parsed.data);
    } catch (error) {
      // A bug in a check must not take the deployer down: report it against the file instead.
      outcome = {
        errors: [
          {
            file: file.path,
            line: 1,
            column: 1,
            field: '',
            message: `internal error while checking this file (please report it): ${String(error)}`,
          },
        ],
      };
    }
    errors.push(...outcome.errors);
    if (outcome.parsed) parsed.push(outcome.parsed);
    if (outcome.configs) services.push(...outcome.configs);
  }
  cache.end();
  errors.push(...crossFileErrors(parsed));
  if (errors.length > 0) return { ok: false, revision, errors: unique(errors).sort(compareErrors) };
  services.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, state: { revision, services } };
}
