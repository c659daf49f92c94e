// Command-line options in our words: node:util parseArgs splits the arguments (in its lenient mode),
// and every mistake becomes a UsageError that names the option and what to write instead, with a
// did-you-mean for a misspelt one, rather than parseArgs's own strict-mode messages.
import { parseArgs } from 'node:util';
import { UsageError } from './cli-io.ts';
import { suggest } from './suggest.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** How the value is shown in messages, e.g. `<revision>` (default `<value>`). */
  valueName?: string;
}

export interface ParsedOptions {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseOptions(args: string[], options: Record<string, OptionSpec>): ParsedOptions {
  const { values, positionals, tokens } = parseArgs({
    args,
    options: Object.fromEntries(
      Object.entries(options).map(([name, spec]) => [
        name,
        spec.short === undefined ? { type: spec.type } : { type: spec.type, short: spec.short },
      ]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    const shown = token.rawName;
    if (spec === undefined) throw new UsageError(unknownOption(shown, options));
    if (spec.type === 'boolean' && token.value !== undefined)
      throw new UsageError(`${shown} takes no value (got ${JSON.stringify(token.value)})`);
    if (spec.type === 'string') {
      const wanted = `${shown} ${spec.valueName ?? '<value>'}`;
      if (token.value === undefined) throw new UsageError(`${shown} needs a value: ${wanted}`);
      if (!token.inlineValue && token.value.startsWith('-'))
        throw new UsageError(
          `${shown} needs a value, but the next argument is the option ${token.value}: ${wanted} (or ${shown}=${token.value} if that is the value)`,
        );
    }
  }
  return { values: values as ParsedOptions['values'], positionals };
}

function unknownOption(shown: string, options: Record<string, OptionSpec>): string {
  const known = Object.keys(options).map((name) => `--${name}`);
  const guess = shown.startsWith('--') ? suggest(shown, known) : undefined;
  return `unknown option ${shown}${guess ? `; did you mean ${guess}?` : ''} (options: ${known.join(', ')})`;
}
