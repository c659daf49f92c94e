// What every CLI verb gets and returns: streams, environment and clock are injected so verbs are
// testable in-process, and a verb reports its outcome as an exit code instead of calling process.exit.
import type { Clock } from '../ports.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Directory relative paths in arguments are resolved against. */
  cwd: string;
  /** Time for the verbs that wait (`--wait`); the system clock when absent. */
  clock?: Pick<Clock, 'now' | 'sleep'>;
}

export interface CliCommand {
  name: string;
  /** One line for the verb list of `ecs-gitops --help`. */
  summary: string;
  /** Full help text of the verb, printed by `ecs-gitops <verb> --help`. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by all verbs (sysexits.h where one fits). */
export const EXIT = {
  ok: 0,
  /** The check the verb performs failed (invalid config, ...). */
  failed: 1,
  usage: 64,
  internal: 70,
} as const;

/**
 * How hints spell a command so that it works where the user is: in a clone after `npm ci` (the
 * package bin through npx; a bare `ecs-gitops` is only on PATH after a global install).
 */
const CLI_COMMAND = 'npx ecs-gitops';

/** `npx ecs-gitops status actors`, for hints in messages and help. */
export const cliHint = (args: string): string => `${CLI_COMMAND} ${args}`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}
