// `sync --wait` / `resume --wait`: follow the reconcile the action queued, print steps, exit 0 only
// when Synced. Against buildServer over the fake runtime, whose status the test moves along, on virtual
// time: a poll costs no real wait.
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../deployer/cli/cli-io.ts';
import { REMOTE_COMMANDS } from '../../../deployer/cli/commands/remote-commands.ts';
import { describeOutcome, waitForReconcile } from '../../../deployer/cli/commands/wait-for-reconcile.ts';
import type { SyncState } from '../../../deployer/contract/status-model.ts';
import { startCli, useFakeDeployer } from '../../support/cli-in-process.ts';
import { fakeServiceStatus } from '../../support/fake-runtime.ts';
import { FakeClock, SteppedClock } from '../../support/fakes/index.ts';
import { TEST_TOKEN } from '../../support/test-server.ts';

const deployer = useFakeDeployer();

const cli = (args: string[], clock: CliIo['clock'] = new FakeClock()) =>
  startCli(args, {
    env: { ECS_GITOPS_URL: deployer.url, ECS_GITOPS_TOKEN: TEST_TOKEN },
    commands: REMOTE_COMMANDS,
    clock,
  });

/**
 * Plays the deployer between the CLI's polls (the CLI sleeps on a SteppedClock, so each step is one
 * poll and nothing is timed): the action arrives, a rollout is Verifying, then the reconcile finishes
 * in `state`.
 */
async function reconcile(clock: SteppedClock, service: string, state: SyncState, printed: () => string) {
  await clock.asleep();
  expect(deployer.runtime.calls.map((c) => c.method)).toEqual([expect.stringMatching(/^(sync|resume)$/)]);
  expect(printed()).toBe('');
  deployer.runtime.updateService(service, {
    currentRollout: {
      id: 'ro-1',
      step: 'Verifying',
      startedAt: '2026-01-01T00:01:00.000Z',
      from: null,
      to: { image: 'repo/actors@sha256:22', digest: 'sha256:22', tag: '1.1.0' },
    },
  });
  clock.wake();
  await clock.asleep();
  expect(printed()).toBe(`${service}: Verifying\n`);
  deployer.runtime.updateService(service, {
    currentRollout: null,
    lastReconciledAt: '2026-01-01T00:02:00.000Z',
    sync: {
      state,
      reason: state === 'Synced' ? 'RolloutSucceeded' : 'VerifyTimeout',
      message: 'm',
      since: 's',
    },
  });
  clock.wake();
}

describe('sync --wait', () => {
  it('prints the steps and exits 0 when the reconcile ends Synced', async () => {
    const clock = new SteppedClock();
    const { out, done } = cli(['sync', 'actors', '--wait'], clock);
    await reconcile(clock, 'actors', 'Synced', () => out.stderr);
    expect(await done).toBe(0);
    expect(out.stderr).toContain('actors: Verifying\n');
    expect(out.stdout).toMatch(/sync of actors .*queued.*\nactors: Synced \(RolloutSucceeded\) m\n$/);
  });

  it('exits 1 with the reason when the reconcile ends Failed', async () => {
    deployer.runtime.updateService('actors', { suspended: true });
    const clock = new SteppedClock();
    const { out, done } = cli(['resume', 'actors', '--wait'], clock);
    await reconcile(clock, 'actors', 'Failed', () => out.stderr);
    expect(await done).toBe(1);
    expect(out.stderr).toContain('actors: Failed (VerifyTimeout) m');
  });

  it('gives up after --timeout and says the deployer keeps going', async () => {
    const { out, done } = cli(['sync', 'actors', '--wait', '--timeout', '0.2']);
    expect(await done).toBe(1);
    expect(out.stderr).toContain('actors: still not reconciled after 0.2 s; the deployer keeps going');
  });

  it.each([
    [['sync', 'actors', '--timeout', '5'], '--timeout only makes sense with --wait'],
    [['sync', 'actors', '--wait', '--timeout', 'soon'], '--timeout must be a positive number of seconds'],
  ])('%j is a usage error', async (args, message) => {
    const { out, done } = cli(args);
    expect(await done).toBe(64);
    expect(out.stderr).toContain(message);
    expect(deployer.runtime.calls).toEqual([]);
  });

  it('is not offered where no reconcile follows', async () => {
    const { out, done } = cli(['suspend', 'actors', '--wait']);
    expect(await done).toBe(64);
    expect(out.stderr).toContain('unknown option --wait');
  });
});

describe('waitForReconcile', () => {
  const io: CliIo = { stdout: () => {}, stderr: () => {}, env: {}, cwd: '/' };

  it('ignores the reconcile that had finished before the request', async () => {
    const states = [
      fakeServiceStatus('actors', { lastReconciledAt: 't0' }),
      fakeServiceStatus('actors', { lastReconciledAt: 't0' }),
      fakeServiceStatus('actors', { lastReconciledAt: 't1' }),
    ];
    let reads = 0;
    const final = await waitForReconcile({
      io,
      service: 'actors',
      before: 't0',
      timeoutSeconds: 10,
      read: async () => states[Math.min(reads++, states.length - 1)]!,
      clock: new FakeClock(),
    });
    expect(final?.lastReconciledAt).toBe('t1');
    expect(reads).toBe(3);
  });

  it('describes Synced as success and anything else as a failure', () => {
    expect(describeOutcome('actors', fakeServiceStatus('actors'), 1)).toEqual({
      ok: true,
      line: 'actors: Synced (RolloutSucceeded) live image is the desired one',
    });
    expect(describeOutcome('actors', undefined, 3).ok).toBe(false);
  });
});
