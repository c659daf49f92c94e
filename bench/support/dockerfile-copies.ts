// What a Dockerfile copies from the build context: the sources of every `COPY`/`ADD` without
// `--from` (those copy from another stage, e.g. the production node_modules, measured separately).
// Handles line continuations, comments, flags and the JSON array form; enough for our Dockerfiles.

export interface ContextCopy {
  line: number;
  sources: string[];
  destination: string;
}

export function contextCopies(dockerfile: string): ContextCopy[] {
  const copies: ContextCopy[] = [];
  const lines = dockerfile.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const startLine = index + 1;
    let instruction = lines[index] ?? '';
    while (instruction.trimEnd().endsWith('\\') && index + 1 < lines.length) {
      instruction = `${instruction.trimEnd().slice(0, -1)} ${lines[index + 1] ?? ''}`;
      index += 1;
    }
    const match = /^\s*(COPY|ADD)\s+(.*)$/i.exec(instruction);
    if (!match) continue;
    let rest = (match[2] ?? '').trim();
    const flags: string[] = [];
    while (rest.startsWith('--')) {
      const space = rest.search(/\s/);
      flags.push(space < 0 ? rest : rest.slice(0, space));
      rest = space < 0 ? '' : rest.slice(space).trim();
    }
    if (flags.some((flag) => flag.startsWith('--from'))) continue;
    const args = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/).filter(Boolean);
    if (args.length < 2) continue;
    copies.push({ line: startLine, sources: args.slice(0, -1), destination: args.at(-1) as string });
  }
  return copies;
}
