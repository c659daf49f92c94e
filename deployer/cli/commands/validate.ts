// `ecs-gitops validate [dir]`: checks a config directory exactly as the deployer would load it, for
// editors, pre-commit hooks and pull-request checks. Exit 0 when valid, 1 when not.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfigDirectory } from '../../adapters/config-directory.ts';
import {
  parseStackValues,
  STACK_VALUES_VARIABLE,
  type StackValues,
} from '../../domain/config/stack-values.ts';
import type { ConfigError, ConfigLoadResult } from '../../domain/types.ts';
import { type CliCommand, type CliIo, EXIT, UsageError } from '../cli-io.ts';
import { parseOptions } from '../parse-options.ts';
import { suggest } from '../suggest.ts';

const FORMATS = ['text', 'github', 'json'] as const;
type Format = (typeof FORMATS)[number];

const usage = `Usage: ecs-gitops validate [dir] [--format text|github|json] [--stack-values file.json]

Validates every <dir>/services/*.yaml (default dir: config) against the schema and the cross-file
rules, exactly as the deployer loads them.

Prints one line per problem, sorted by file and position:
  <file>:<line>:<column> <field>: <message>
and exits 1; or prints "ok: N services valid at <revision>" and exits 0.

\`\${stack:Name}\` placeholders are resolved with the stack's values: --stack-values file.json (a JSON
object such as {"DistributionId":"E2EXAMPLE","CloudFrontUrl":"https://d1.cloudfront.net"}), else the
STACK_VALUES environment variable; with neither, only the placeholders' syntax is checked.

Options:
  --stack-values F  JSON file of the stack's values (names to strings)
  --format text     the lines above (default)
  --format github   GitHub Actions annotations (::error file=...,line=...) for pull-request checks
  --format json     the whole load result as JSON
  -h, --help        show this help
`;

function parse(args: string[]): { dir: string; format: Format; stackValuesFile: string | undefined } {
  const parsed = parseOptions(args, {
    format: { type: 'string', valueName: 'text|github|json' },
    'stack-values': { type: 'string', valueName: '<file.json>' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.positionals.length > 1)
    throw new UsageError(`expected at most one directory, got ${parsed.positionals.length}`);
  const format = (parsed.values.format ?? 'text') as Format;
  const stackValuesFile = parsed.values['stack-values'];
  if (!FORMATS.includes(format)) {
    const guess = suggest(format, FORMATS);
    throw new UsageError(
      `unknown --format ${JSON.stringify(format)}; ${guess ? `did you mean ${guess}? ` : ''}use one of ${FORMATS.join(', ')}`,
    );
  }
  return {
    dir: parsed.positionals[0] ?? 'config',
    format,
    stackValuesFile: typeof stackValuesFile === 'string' ? stackValuesFile : undefined,
  };
}

/** The file's values, else STACK_VALUES, else undefined (syntax-only); a bad source is a usage error. */
async function stackValues(file: string | undefined, io: CliIo): Promise<StackValues | undefined> {
  let text: string;
  let origin: string;
  if (file !== undefined) {
    try {
      text = await readFile(path.resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --stack-values ${file}: ${(error as Error).message}`);
    }
    origin = file;
  } else {
    const fromEnv = io.env[STACK_VALUES_VARIABLE]?.trim();
    if (fromEnv === undefined || fromEnv === '') return undefined;
    text = fromEnv;
    origin = STACK_VALUES_VARIABLE;
  }
  const parsed = parseStackValues(text, origin);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.values;
}

/** `file:line:col field: message`, or `file:line:col: message` for whole-file problems. */
export function formatError(e: ConfigError): string {
  return `${e.file}:${e.line}:${e.column}${e.field === '' ? ':' : ` ${e.field}:`} ${e.message}`;
}

// Workflow commands need %, CR and LF escaped in the message, plus , and : in properties.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithubAnnotation(e: ConfigError): string {
  const title = e.field === '' ? 'config' : e.field;
  return `::error file=${escapeProperty(e.file)},line=${e.line},col=${e.column},title=${escapeProperty(title)}::${escapeData(e.message)}`;
}

/**
 * Rewrites the paths in a load result (files and messages naming other files) relative to where the
 * command ran, or absolute when outside it, so editors and CI annotations can jump to them.
 */
function withDisplayPaths(result: ConfigLoadResult, absoluteDir: string, cwd: string): ConfigLoadResult {
  const relative = path.relative(cwd, absoluteDir);
  const shownDir = relative === '' ? '.' : relative.startsWith('..') ? absoluteDir : relative;
  const show = (file: string) =>
    file.startsWith(absoluteDir) ? shownDir + file.slice(absoluteDir.length) : file;
  if (result.ok) {
    const services = result.state.services.map((s) => ({ ...s, source: { file: show(s.source.file) } }));
    return { ok: true, state: { ...result.state, services } };
  }
  const errors = result.errors.map((e) => ({
    ...e,
    file: show(e.file),
    message: e.message.replaceAll(`${absoluteDir}${path.sep}`, `${shownDir}${path.sep}`),
  }));
  return { ...result, errors };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function run(args: string[], io: CliIo): Promise<number> {
  const { dir, format, stackValuesFile } = parse(args);
  const values = await stackValues(stackValuesFile, io);
  const absoluteDir = path.resolve(io.cwd, dir);
  const loaded = await loadConfigDirectory(absoluteDir, undefined, values);
  const result = withDisplayPaths(loaded, absoluteDir, io.cwd);
  if (format === 'json') {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  if (!result.ok) {
    const render = format === 'github' ? formatGithubAnnotation : formatError;
    for (const e of result.errors) io.stdout(`${render(e)}\n`);
    const files = new Set(result.errors.map((e) => e.file)).size;
    io.stderr(
      `invalid: ${plural(result.errors.length, 'error')} in ${plural(files, 'file')}; a deployer reading this revision keeps running the last valid one\n`,
    );
    return EXIT.failed;
  }
  const count = result.state.services.length;
  if (count === 0) io.stderr(`note: no service configs in ${path.join(dir, 'services')} (*.yaml, *.yml)\n`);
  if (values === undefined && JSON.stringify(result.state.services).includes(`\${stack:`))
    io.stderr(
      `note: \${stack:Name} placeholders were checked for syntax only; pass --stack-values file.json or set ${STACK_VALUES_VARIABLE} to resolve them\n`,
    );
  io.stdout(`ok: ${plural(count, 'service')} valid at ${result.state.revision}\n`);
  return EXIT.ok;
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check a config directory offline, exactly as the deployer would load it',
  usage,
  run,
};
