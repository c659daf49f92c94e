// Tag patterns (`track.regex`, `track.glob`) matched in linear time. Any config author writes them
// and they run against every tag of a repository on the deployer's event loop: with backtracking
// regexes `^(a+)+$` against a 32-character tag blocked /healthz for 9.7 s, and a picomatch extglob
// `*(a*)` grows the same way. Both compile to RE2 (re2js: a pure-JS port of Go's RE2, an automaton
// without backtracking), so matching costs O(pattern × tag) whatever the pattern. RE2 has no
// look-arounds or back-references: such patterns are refused at validate with a message saying so.
import { RE2JS } from 're2js';
import { DeployerError, err, ok, type Result } from '../errors.ts';

export type TagMatcher = (tag: string) => boolean;

const invalid = (message: string) => err(new DeployerError('IMAGE_REF_INVALID', message));

/** A `track.regex` (unanchored, as RegExp#test: anchor it with ^ and $). */
export function compileTagRegex(pattern: string): Result<TagMatcher> {
  try {
    const re = RE2JS.compile(pattern);
    return ok((tag) => re.test(tag));
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return invalid(
      `invalid regular expression: ${reason} (patterns run on a linear-time engine, RE2: no look-arounds or back-references)`,
    );
  }
}

/**
 * A `track.glob`, matched against the whole tag: `*` any run of characters, `?` one character,
 * `[abc]`/`[a-z]`/`[!abc]` a class, `{a,b}` alternatives (nestable); `\` escapes the next character.
 */
export function compileTagGlob(glob: string): Result<TagMatcher> {
  const translated = globToRegex(glob);
  if (!translated.ok) return translated;
  return compileTagRegex(`^(?:${translated.value})$`);
}

const SPECIAL = /[\\^$.|?*+()[\]{}]/;

function globToRegex(glob: string): Result<string> {
  let out = '';
  let braces = 0;
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (char === '\\') {
      const next = glob[index + 1];
      if (next === undefined) return invalid('invalid glob: it ends with a lone \\');
      out += SPECIAL.test(next) ? `\\${next}` : next;
      index += 1;
    } else if (char === '*') out += '.*';
    else if (char === '?') out += '.';
    else if (char === '[') {
      const close = glob.indexOf(']', index + 2);
      if (close < 0)
        return invalid(`invalid glob: the class opened at position ${index + 1} is not closed with ]`);
      const body = glob
        .slice(index + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\');
      out += `[${body}]`;
      index = close;
    } else if (char === '{') {
      braces += 1;
      out += '(?:';
    } else if (char === ',' && braces > 0) out += '|';
    else if (char === '}' && braces > 0) {
      braces -= 1;
      out += ')';
    } else out += SPECIAL.test(char) ? `\\${char}` : char;
  }
  if (braces > 0) return invalid('invalid glob: a { is not closed with }');
  return ok(out);
}
