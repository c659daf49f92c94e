// Dockerfiles for tests (there is no Docker engine here), read with dockerfile-ast (comments, parser
// directives, continuations, the JSON exec form): stages, instructions with their flags, and helpers
// for what the tests check (COPY sources, EXPOSE, CMD, USER, ENV).
import { type Instruction as AstInstruction, DockerfileParser } from 'dockerfile-ast';

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

/** What dockerfile-ast's instruction classes offer beyond the base class, where they have it. */
interface AstDetails {
  getFlags?: () => { getName(): string; getValue(): string | null }[];
  getOpeningBracket?: () => unknown;
  getClosingBracket?: () => unknown;
  getJSONStrings?: () => { getJSONValue(): string }[];
}

function toInstruction(ast: AstInstruction): Instruction {
  const details = ast as AstInstruction & AstDetails;
  const flags: Record<string, string> = {};
  for (const flag of details.getFlags?.() ?? [])
    flags[flag.getName().toLowerCase()] = flag.getValue() ?? 'true';
  const json = Boolean(details.getOpeningBracket?.() && details.getClosingBracket?.());
  const words = ast.getArguments().map((argument) => argument.getValue());
  const args = json ? (details.getJSONStrings?.() ?? []).map((value) => value.getJSONValue()) : words;
  // Continuations joined, comment lines inside them left out (as Docker does).
  const raw = json ? (ast.getArgumentsContent() ?? '').trim() : words.join(' ');
  return {
    keyword: ast.getKeyword().toUpperCase(),
    flags,
    raw,
    args,
    json,
    line: ast.getRange().start.line + 1,
  };
}

/** Parses with dockerfile-ast (the parser of the Docker language server) into stages of instructions. */
export function parseDockerfile(text: string): Dockerfile {
  // A file ending inside a line continuation was cut short: refuse it rather than guess.
  if (/\\\s*$/.test(text)) throw new Error('the file ends inside a line continuation');
  const stages: Stage[] = [];
  for (const ast of DockerfileParser.parse(text).getInstructions()) {
    const instruction = toInstruction(ast);
    const line = instruction.line;
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
