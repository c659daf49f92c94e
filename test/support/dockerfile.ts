// A small Dockerfile parser for tests (there is no Docker engine here): stages, instructions with
// their flags, and helpers for what the tests check (COPY sources, EXPOSE, CMD, USER, ENV).
// Handles comments, parser directives, line continuations and the JSON (exec) form.

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN… */
  keyword: string;
  /** `--name=value` flags before the arguments (`--chown`, `--from`, `--link`…). */
  flags: Record<string, string>;
  /** Arguments after the flags, as written (continuations joined). */
  raw: string;
  /** Arguments: the JSON array for the exec form, otherwise split on whitespace. */
  args: string[];
  /** True when the arguments were a JSON array. */
  json: boolean;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface Stage {
  index: number;
  /** `AS name`, lower-cased as Docker treats it. */
  name: string | undefined;
  /** The image or earlier stage it starts from. */
  base: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  final: Stage;
}

export interface CopySpec {
  from: string | undefined;
  sources: string[];
  destination: string;
  chown: string | undefined;
  line: number;
}

function logicalLines(text: string): Array<{ text: string; line: number }> {
  const result: Array<{ text: string; line: number }> = [];
  const physical = text.replace(/\r\n/g, '\n').split('\n');
  let current: { text: string; line: number } | undefined;
  for (const [index, rawLine] of physical.entries()) {
    const trimmed = rawLine.trim();
    // Comments (and directives) are whole lines; inside a continuation they are skipped, and so
    // are empty lines (Docker does the same).
    if (trimmed.startsWith('#') || trimmed === '') continue;
    current ??= { text: '', line: index + 1 };
    if (trimmed.endsWith('\\')) {
      current.text += `${trimmed.slice(0, -1).trimEnd()} `;
      continue;
    }
    current.text += trimmed;
    result.push({ text: current.text.trim(), line: current.line });
    current = undefined;
  }
  if (current) throw new Error(`line ${current.line}: the file ends inside a line continuation`);
  return result;
}

function parseInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*(.*)$/s.exec(text);
  if (!match) throw new Error(`line ${line}: cannot parse '${text}'`);
  const keyword = (match[1] ?? '').toUpperCase();
  let rest = match[2] ?? '';
  const flags: Record<string, string> = {};
  for (
    let flag = /^--([a-z-]+)(?:=(\S*))?\s*/i.exec(rest);
    flag;
    flag = /^--([a-z-]+)(?:=(\S*))?\s*/i.exec(rest)
  ) {
    flags[(flag[1] ?? '').toLowerCase()] = flag[2] ?? 'true';
    rest = rest.slice(flag[0].length);
  }
  const raw = rest.trim();
  if (raw.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) {
        return { keyword, flags, raw, args: parsed, json: true, line };
      }
    } catch {
      // Not valid JSON: Docker falls back to the shell form, so do we.
    }
  }
  return { keyword, flags, raw, args: raw.split(/\s+/).filter(Boolean), json: false, line };
}

export function parseDockerfile(text: string): Dockerfile {
  const stages: Stage[] = [];
  for (const { text: logical, line } of logicalLines(text)) {
    const instruction = parseInstruction(logical, line);
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args;
      if (!base) throw new Error(`line ${line}: FROM without an image`);
      stages.push({
        index: stages.length,
        name: as?.toUpperCase() === 'AS' ? name?.toLowerCase() : undefined,
        base,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (instruction.keyword === 'ARG') continue; // ARGs before the first FROM are allowed
      throw new Error(`line ${line}: ${instruction.keyword} before the first FROM`);
    }
    stage.instructions.push(instruction);
  }
  const final = stages.at(-1);
  if (!final) throw new Error('no FROM instruction: not a Dockerfile');
  return { stages, final };
}

function ofKind(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** COPY and ADD instructions of a stage. */
export function copies(stage: Stage): CopySpec[] {
  return [...ofKind(stage, 'COPY'), ...ofKind(stage, 'ADD')]
    .sort((a, b) => a.line - b.line)
    .map((instruction) => ({
      from: instruction.flags.from,
      sources: instruction.args.slice(0, -1),
      destination: instruction.args.at(-1) ?? '',
      chown: instruction.flags.chown,
      line: instruction.line,
    }));
}

export function exposedPorts(stage: Stage): number[] {
  return ofKind(stage, 'EXPOSE').flatMap((instruction) =>
    instruction.args.map((arg) => Number(arg.split('/')[0])),
  );
}

/** The effective user (the last USER), or undefined when the stage never sets one (root). */
export function effectiveUser(stage: Stage): string | undefined {
  return ofKind(stage, 'USER').at(-1)?.args[0];
}

/** The last CMD as argv: the exec form as written, the shell form wrapped in `/bin/sh -c`. */
export function command(stage: Stage): string[] | undefined {
  const cmd = ofKind(stage, 'CMD').at(-1);
  if (!cmd) return undefined;
  return cmd.json ? cmd.args : ['/bin/sh', '-c', cmd.raw];
}

export function workdir(stage: Stage): string {
  let dir = '/';
  for (const instruction of ofKind(stage, 'WORKDIR')) {
    const next = instruction.args[0] ?? '/';
    dir = next.startsWith('/') ? next : `${dir.replace(/\/$/, '')}/${next}`;
  }
  return dir;
}

/** ENV values of a stage, both `ENV a=b c=d` and the legacy `ENV a b`. Quotes are removed. */
export function environment(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  const unquote = (value: string) => value.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  for (const instruction of ofKind(stage, 'ENV')) {
    // Docker's rule: a first word without '=' means the legacy `ENV name value…` form.
    if (!(instruction.raw.split(/\s+/)[0] ?? '').includes('=')) {
      const [name, ...value] = instruction.raw.split(/\s+/);
      if (name) env[name] = unquote(value.join(' '));
      continue;
    }
    for (const pair of instruction.raw.match(/\S+?=(?:"[^"]*"|'[^']*'|\S*)/g) ?? []) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = unquote(pair.slice(eq + 1));
    }
  }
  return env;
}

/** RUN commands of a stage, as written. */
export function runCommands(stage: Stage): string[] {
  return ofKind(stage, 'RUN').map((instruction) =>
    instruction.json ? instruction.args.join(' ') : instruction.raw,
  );
}

/** The stage a `--from` or FROM refers to, by name or index; undefined for an external image. */
export function stageNamed(dockerfile: Dockerfile, ref: string): Stage | undefined {
  return dockerfile.stages.find((stage) => stage.name === ref.toLowerCase() || String(stage.index) === ref);
}
