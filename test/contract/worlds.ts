// The three worlds every port contract runs in, and the harness that runs one contract per world.
// CONTRACT_WORLDS=fake,standin,moto (default: all) picks the worlds, e.g. `CONTRACT_WORLDS=moto npx
// vitest run test/contract` checks the AWS adapters against moto alone.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MOTO_LIMITS, type MotoLimit } from './moto-limits.ts';

export type WorldName = 'fake' | 'standin' | 'moto';
export const ALL_WORLDS: readonly WorldName[] = ['fake', 'standin', 'moto'];

const TITLES: Record<WorldName, string> = {
  fake: 'the in-memory fake',
  standin: 'the AWS adapter over our local stand-in',
  moto: 'the AWS adapter over moto',
};

export function selectedWorlds(env: NodeJS.ProcessEnv = process.env): WorldName[] {
  const raw = env.CONTRACT_WORLDS?.trim();
  if (!raw) return [...ALL_WORLDS];
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !ALL_WORLDS.includes(name as WorldName));
  if (unknown.length > 0) {
    throw new Error(
      `CONTRACT_WORLDS=${raw}: unknown world ${unknown.join(', ')} (use ${ALL_WORLDS.join(', ')})`,
    );
  }
  return names as WorldName[];
}

export interface Subject {
  stop(): Promise<void>;
}

/** How long a world may take to start (moto on a loaded 2-core machine needs several seconds). */
const START_TIMEOUT_MS = 90_000;

/**
 * Declares `body` once per selected world that has a factory. The world starts once per file (one
 * moto per file), and `subject()` hands the started world to the tests.
 */
export function contract<S extends Subject>(
  port: string,
  factories: Partial<Record<WorldName, () => Promise<S>>>,
  body: (subject: () => S, world: WorldName) => void,
): void {
  for (const world of selectedWorlds()) {
    const factory = factories[world];
    if (!factory) continue;
    describe(`${port} contract on ${TITLES[world]}`, () => {
      let started: S | undefined;
      beforeAll(async () => {
        started = await factory();
      }, START_TIMEOUT_MS);
      afterAll(async () => {
        await started?.stop();
      });
      body(() => {
        if (!started) throw new Error(`${world} world did not start`);
        return started;
      }, world);
    });
  }
}

/** A contract test that moto cannot pass because of a documented limit: skipped there, named. */
export function unlessMotoLimit(world: WorldName, limit: MotoLimit): typeof it {
  if (world !== 'moto') return it;
  return ((name: string, fn: () => unknown, timeout?: number) =>
    it.skip(`${name} [moto limit: ${MOTO_LIMITS[limit]}]`, fn, timeout)) as unknown as typeof it;
}

/** Polls `probe` until `done` holds (no fixed sleeps: waits on state), failing with the last value. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const signal = new AbortController().signal;
