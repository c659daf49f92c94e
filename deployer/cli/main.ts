#!/usr/bin/env node
import { type CliCommand, type CliIo, cliHint, EXIT, processIo, UsageError } from './cli-io.ts';
import { COMMANDS } from './commands/index.ts';
// `ecs-gitops <verb> [args]`: dispatches to one file per verb in ./commands. Exit codes: 0 ok, 1 the
// verb's check failed, 2 differences found (diff), 3 deployer unreachable, 4 not authorised, 64 usage
// error, 70 internal error.
import { suggest } from './suggest.ts';

const HELP = new Set(['-h', '--help']);

export function globalUsage(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const verbs = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: ecs-gitops <command> [options]

Commands:
${verbs}

Run \`${cliHint('<command> --help')}\` for the options of a command.
`;
}

/** `unknown command "stauts"; did you mean "status"?` and the command list. */
function unknownCommand(verb: string, commands: readonly CliCommand[]): string {
  const names = commands.map((c) => c.name);
  const guess = verb.startsWith('-') ? undefined : suggest(verb, names);
  const first = verb.startsWith('-')
    ? `ecs-gitops: ${JSON.stringify(verb)} is an option; options come after the command, e.g. ${cliHint(`status ${verb}`)}`
    : `ecs-gitops: unknown command ${JSON.stringify(verb)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''}`;
  return `${first}\n\n${globalUsage(commands)}`;
}

/** Runs the CLI with injected io; returns the exit code. */
export async function runCli(
  argv: string[],
  io: CliIo,
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const [verb, ...args] = argv;
  if (verb === undefined) {
    io.stderr(globalUsage(commands));
    return EXIT.usage;
  }
  if (HELP.has(verb) || verb === 'help') {
    const topic = verb === 'help' ? commands.find((c) => c.name === args[0]) : undefined;
    if (verb === 'help' && args[0] !== undefined && !topic) {
      io.stderr(unknownCommand(args[0], commands));
      return EXIT.usage;
    }
    io.stdout(topic ? topic.usage : globalUsage(commands));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    io.stderr(unknownCommand(verb, commands));
    return EXIT.usage;
  }
  // `--` ends options: anything after it is an argument, even `-h`.
  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).some((a) => HELP.has(a))) {
    io.stdout(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ecs-gitops ${command.name}: ${error.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    // Errors that know their exit code (e.g. DeployerClientError: 3 unreachable, 4 auth).
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    if (error instanceof Error && typeof exitCode === 'number') {
      io.stderr(`ecs-gitops ${command.name}: ${error.message}\n`);
      return exitCode;
    }
    io.stderr(
      `ecs-gitops ${command.name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.internal;
  }
}

if (import.meta.main) process.exitCode = await runCli(process.argv.slice(2), processIo());
