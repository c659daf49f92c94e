// What a Markdown page links to and which anchors it offers, the way GitHub renders it: enough for a
// test to prove every relative link and `#anchor` in README.md and docs/*.md resolves.

const FENCE = /^\s*(```|~~~)/;

/** The lines outside fenced code blocks (links and headings inside code are not links or headings). */
function proseLines(markdown: string): string[] {
  let inFence = false;
  return markdown.split('\n').filter((line) => {
    if (FENCE.test(line)) {
      inFence = !inFence;
      return false;
    }
    return !inFence;
  });
}

/** GitHub's heading id: lower case, punctuation dropped (not `-` or `_`), spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor the page offers; a repeated heading gets `-1`, `-2`, ... as on GitHub. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of proseLines(markdown)) {
    const text = /^#{1,6} (.+?)#*\s*$/.exec(line)?.[1];
    if (text === undefined) continue;
    const base = slug(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const line of proseLines(markdown))
    for (const match of line.matchAll(/<a (?:id|name)="([^"]+)"/g)) result.add(match[1] ?? '');
  return result;
}

export interface PageLink {
  /** The link as written, e.g. `cli.md#exit-codes` or `#quick-start`. */
  target: string;
  /** The path part (empty for a same-page anchor). */
  path: string;
  /** The anchor without `#`, if any. */
  anchor: string | undefined;
  line: number;
}

/** Relative links (`[text](target)`, images too) outside code; web and mail links are left out. */
export function relativeLinks(markdown: string): PageLink[] {
  const links: PageLink[] = [];
  let inFence = false;
  markdown.split('\n').forEach((line, index) => {
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) return;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const hash = target.indexOf('#');
      links.push({
        target,
        path: hash < 0 ? target : target.slice(0, hash),
        anchor: hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1)),
        line: index + 1,
      });
    }
  });
  return links;
}
