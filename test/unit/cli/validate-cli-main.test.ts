import { describe, expect, it } from 'vitest';
import type { CliCommand, CliIo } from '../../../deployer/cli/cli-io.ts';
import { UsageError } from '../../../deployer/cli/cli-io.ts';
import { runCli } from '../../../deployer/cli/main.ts';

function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: process.cwd(),
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

const echo: CliCommand = {
  name: 'echo',
  summary: 'print the arguments',
  usage: 'Usage: ecs-gitops echo [words]\n',
  async run(args, io) {
    if (args[0] === 'usage') throw new UsageError('bad words');
    if (args[0] === 'exit') throw Object.assign(new Error('deployer unreachable'), { exitCode: 3 });
    if (args[0] === 'boom') throw new Error('kaput');
    io.stdout(`${args.join(' ')}\n`);
    return 0;
  },
};

describe('runCli dispatch', () => {
  it('runs a verb with its arguments', async () => {
    const io = memoryIo();
    expect(await runCli(['echo', 'a', 'b'], io, [echo])).toBe(0);
    expect(io.out).toBe('a b\n');
  });

  it.each([['--help'], ['-h'], ['help']])('%s prints the verb list on stdout and exits 0', async (flag) => {
    const io = memoryIo();
    expect(await runCli([flag], io, [echo])).toBe(0);
    expect(io.out).toContain('Usage: ecs-gitops <command> [options]');
    expect(io.out).toContain('  echo  print the arguments');
  });

  it.each([[['echo', '--help']], [['echo', 'x', '-h']], [['help', 'echo']]])(
    '%j prints the verb usage and does not run it',
    async (argv) => {
      const io = memoryIo();
      expect(await runCli(argv, io, [echo])).toBe(0);
      expect(io.out).toBe(echo.usage);
    },
  );

  it('passes -h after -- to the verb as an argument', async () => {
    const io = memoryIo();
    expect(await runCli(['echo', '--', '-h'], io, [echo])).toBe(0);
    expect(io.out).toBe('-- -h\n');
  });

  it('no verb prints usage on stderr and exits 64', async () => {
    const io = memoryIo();
    expect(await runCli([], io, [echo])).toBe(64);
    expect(io.err).toContain('Commands:');
  });

  it('an unknown verb prints usage on stderr and exits 64', async () => {
    const io = memoryIo();
    expect(await runCli(['deploy'], io, [echo])).toBe(64);
    expect(io.err).toMatch(/^ecs-gitops: unknown command "deploy"\n/);
    expect(io.out).toBe('');
  });

  it('a UsageError exits 64 with the verb usage', async () => {
    const io = memoryIo();
    expect(await runCli(['echo', 'usage'], io, [echo])).toBe(64);
    expect(io.err).toBe(`ecs-gitops echo: bad words\n\n${echo.usage}`);
  });

  it('an error with an exitCode exits with it and its message only', async () => {
    const io = memoryIo();
    expect(await runCli(['echo', 'exit'], io, [echo])).toBe(3);
    expect(io.err).toBe('ecs-gitops echo: deployer unreachable\n');
  });

  it('an unexpected error exits 70 with the stack', async () => {
    const io = memoryIo();
    expect(await runCli(['echo', 'boom'], io, [echo])).toBe(70);
    expect(io.err).toContain('ecs-gitops echo: unexpected error: Error: kaput');
  });
});
