// The verbs that talk to a running deployer over HTTP, in `--help` order.
import type { CliCommand } from '../cli-io.ts';
import { diffCommand } from './diff.ts';
import { historyCommand } from './history.ts';
import { refreshCommand } from './refresh.ts';
import { resumeCommand } from './resume.ts';
import { rollbackCommand } from './rollback.ts';
import { statusCommand } from './status.ts';
import { suspendCommand } from './suspend.ts';
import { syncCommand } from './sync.ts';

export const REMOTE_COMMANDS: readonly CliCommand[] = [
  statusCommand,
  diffCommand,
  syncCommand,
  refreshCommand,
  rollbackCommand,
  historyCommand,
  suspendCommand,
  resumeCommand,
];
