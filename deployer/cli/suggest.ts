// "Did you mean ...?" for what a user types on the command line: a likely typo of a known word (edit
// distance, deployer/domain/config/suggestions.ts), else the one known word it starts (`stat`).
import { closestMatch } from '../domain/config/suggestions.ts';

export function suggest(word: string, known: readonly string[]): string | undefined {
  const close = closestMatch(word, known);
  if (close !== undefined || word.length < 2) return close;
  const lower = word.toLowerCase();
  const starts = known.filter((candidate) => candidate.toLowerCase().startsWith(lower));
  return starts.length === 1 ? starts[0] : undefined;
}
