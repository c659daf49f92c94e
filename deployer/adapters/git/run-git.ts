// Runs the git binary without a shell (arguments as an array), with a timeout and an AbortSignal,
// and turns failures into GIT_UNAVAILABLE when the network or a timeout is to blame, else GIT_FAILED.
import { execFile } from 'node:child_process';
import { DeployerError } from '../../domain/errors.ts';

export interface RunGitOptions {
  cwd?: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Largest stdout accepted (config files are small). */
  maxBuffer?: number;
}

const NETWORK_HINTS = [
  /could not resolve host/i,
  /connection (refused|reset|timed out)/i,
  /operation timed out/i,
  /unable to access/i,
  /early eof/i,
  /the remote end hung up/i,
  /rpc failed/i,
  /temporary failure/i,
  /could not read from remote repository/i,
  /ssl/i,
];

/** Strips credentials from URLs (`https://user:token@host/...`) before they reach messages or logs. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/** The environment git runs with: never a password prompt (fail fast instead), messages in English. */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: process.env.GIT_ASKPASS ?? 'echo',
    LC_ALL: 'C',
  };
}

export function runGit(args: string[], options: RunGitOptions): Promise<string> {
  const maxBuffer = options.maxBuffer ?? 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs,
        signal: options.signal,
        maxBuffer,
        encoding: 'utf8',
        env: gitEnv(),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const command = redactUrl(`git ${args.join(' ')}`);
        const stderrText = redactUrl(String(stderr).trim()).slice(0, 2000);
        if (options.signal.aborted) {
          reject(new DeployerError('ABORTED', `${command} aborted`, { cause: error }));
          return;
        }
        // Over maxBuffer, Node kills git too: that is too much output, not a slow network.
        if ((error as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(
            new DeployerError('GIT_FAILED', `${command} printed more than ${maxBuffer} bytes`, {
              cause: error,
              details: { command, maxBuffer },
            }),
          );
          return;
        }
        const killed = (error as { killed?: boolean }).killed === true;
        const retryable = killed || NETWORK_HINTS.some((hint) => hint.test(stderrText));
        const why = killed ? `timed out after ${options.timeoutMs} ms` : stderrText || error.message;
        reject(
          new DeployerError(
            retryable ? 'GIT_UNAVAILABLE' : 'GIT_FAILED',
            `${command} failed: ${redactUrl(why)}`,
            {
              cause: error,
              details: { command, stderr: stderrText, timedOut: killed },
            },
          ),
        );
      },
    );
  });
}
