// The verbs of `ecs-gitops`, in the order `--help` lists them. Add a verb: one file in this folder
// exporting a CliCommand, one line here.
import type { CliCommand } from '../cli-io.ts';
import { REMOTE_COMMANDS } from './remote-commands.ts';
import { validateCommand } from './validate.ts';

export const COMMANDS: readonly CliCommand[] = [validateCommand, ...REMOTE_COMMANDS];
