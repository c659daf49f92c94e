// The CLI in-process (runCli with captured streams; runCaptured for any command function) and, for
// the verbs that talk to a deployer, the real HTTP layer over the fake runtime on 127.0.0.1:0. The
// spawned entry is tested apart (test/integration/cli/).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { CliCommand, CliIo } from '../../deployer/cli/cli-io.ts';
import { runCli } from '../../deployer/cli/main.ts';
import { type FakeRuntime, fakeDeployerStatus } from './fake-runtime.ts';
import { testServer } from './test-server.ts';

export interface CliRun {
  /** What the CLI printed so far (a test may read it while a `--wait` runs). */
  out: { stdout: string; stderr: string };
  /** The exit code. */
  done: Promise<number>;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The command table (default: every command, as the entry runs them). */
  commands?: readonly CliCommand[];
  /** Time for `--wait` (default the system clock). */
  clock?: CliIo['clock'];
}

/** Streams a command prints to, captured in `out` as it prints. */
function capturedStreams(): Pick<CliIo, 'stdout' | 'stderr'> & { out: CliRun['out'] } {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
  };
}

/**
 * Runs a command's function (the CLI's runCli, local/push-command.ts's runPush) with captured streams:
 * its exit code and what its entry would have printed.
 */
export async function runCaptured(
  run: (io: Pick<CliIo, 'stdout' | 'stderr'>) => Promise<number>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, ...streams } = capturedStreams();
  const code = await run(streams);
  return { code, ...out };
}

export function startCli(args: string[], options: CliRunOptions = {}): CliRun {
  const { out, ...streams } = capturedStreams();
  const io: CliIo = {
    ...streams,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    clock: options.clock,
  };
  return { out, done: options.commands ? runCli(args, io, options.commands) : runCli(args, io) };
}

/** Runs the CLI to its end: exit code and streams as the entry would print them. */
export async function runCliInProcess(
  args: string[],
  options: CliRunOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { out, done } = startCli(args, options);
  const code = await done;
  return { code, ...out };
}

/**
 * A deployer for the CLI to talk to: buildServer over the fake runtime, listening for the whole file,
 * its status and recorded calls reset before each test. Read `runtime` and `url` inside tests.
 */
export function useFakeDeployer(): { readonly runtime: FakeRuntime; readonly url: string } {
  let server: Awaited<ReturnType<typeof testServer>> | undefined;
  let url = '';
  beforeAll(async () => {
    server = await testServer({ mode: 'local' });
    url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.app.close();
  });
  beforeEach(() => {
    server?.runtime.setStatus(fakeDeployerStatus());
    if (server) server.runtime.calls.length = 0;
  });
  return {
    get runtime() {
      if (!server) throw new Error('useFakeDeployer: read the runtime inside a test');
      return server.runtime;
    },
    get url() {
      return url;
    },
  };
}
