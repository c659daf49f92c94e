// What `npm start` prints: pino-pretty lines in local mode unless LOG_FORMAT=json asks for the JSON
// lines that aws mode (CloudWatch) and the tests read. Real deployer processes, free ports.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ServiceProcess,
  startServiceProcess,
} from '../../integration/service/support/service-process.ts';

const LOCAL = {
  HOME: process.env.HOME ?? '/tmp',
  PORT: '0',
  HOST: '127.0.0.1',
  LOCAL_SQS_PORT: '0',
  LOCAL_ECS_PORT: '0',
  LOCAL_ECR_PORT: '0',
  LOCAL_CLOUDFRONT_PORT: '0',
  LOCAL_ACTORS_PORT: '0',
  LOCAL_GITHUB_PORT: '0',
  LOCAL_USE_ECHO_TASK: '1',
};
let running: ServiceProcess | undefined;

afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await once(running.child, 'exit');
  }
});

async function startedDeployer(env: Record<string, string>): Promise<ServiceProcess> {
  running = startServiceProcess({ ...LOCAL, ...env }, { script: 'deployer/main.ts' });
  await running.waitFor(/Ctrl-C stops/, 90_000);
  running.child.kill('SIGTERM');
  expect((await running.exited).code).toBe(0);
  return running;
}

/** The log lines: everything but the banner (which starts after the blank line before it). */
function logLines(output: string): string[] {
  return output.split('\n').filter((line) => /^(\{|\[\d\d:\d\d:\d\d\.\d{3}\])/.test(line));
}

describe('deployer log format in local mode', () => {
  it('is human-readable by default: time, level, component and message on one line, no JSON lines', async () => {
    const deployer = await startedDeployer({});
    const lines = logLines(deployer.output());
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(deployer\): deployer listening \{"url":"http:/,
        ),
        expect.stringMatching(/^\[[\d:.]+\] INFO \(deployer\): runtime: deployer runtime ready /),
        expect.stringMatching(/^\[[\d:.]+\] INFO \(deployer\): deployer stopped$/),
      ]),
    );
  }, 120_000);

  it('is JSON lines with LOG_FORMAT=json', async () => {
    const deployer = await startedDeployer({ LOG_FORMAT: 'json' });
    const lines = logLines(deployer.output());
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(deployer.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['deployer listening', 'deployer runtime ready', 'deployer stopped']),
    );
  }, 120_000);

  it('refuses an unknown LOG_FORMAT before starting anything', async () => {
    running = startServiceProcess({ ...LOCAL, LOG_FORMAT: 'xml' }, { script: 'deployer/main.ts' });
    expect((await running.exited).code).toBe(1);
    expect(running.output()).toContain('deployer cannot start: LOG_FORMAT="xml" must be json or pretty');
  });
});
