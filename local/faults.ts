// Deterministic fault injection for the AWS stand-ins: a seeded PRNG decides which calls fail, so a
// flaky-looking test run can be replayed exactly with the same seed.

export type Fault = { kind: 'throttle' } | { kind: 'unavailable'; status: 500 | 503 };

export interface FaultInjector {
  /** Returns the fault to answer this call with, or null to serve it normally. */
  next(): Fault | null;
  /** Faults injected so far (for tests and the banner). */
  readonly injected: number;
}

/** mulberry32: tiny, fast, good enough to spread faults evenly and reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createFaultInjector(rate: number, seed = 1): FaultInjector {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate must be within [0, 1], got ${rate}`);
  const random = seededRandom(seed);
  let injected = 0;
  return {
    next() {
      if (rate === 0) return null;
      if (random() >= rate) return null;
      injected += 1;
      const pick = random();
      if (pick < 0.5) return { kind: 'throttle' };
      return { kind: 'unavailable', status: pick < 0.75 ? 500 : 503 };
    },
    get injected() {
      return injected;
    },
  };
}

/** Reads LOCAL_FAULT_RATE / LOCAL_FAULT_SEED; invalid values are an error rather than silently 0. */
export function faultSettingsFromEnv(env: NodeJS.ProcessEnv): { rate: number; seed: number } {
  const rate = env.LOCAL_FAULT_RATE === undefined ? 0 : Number(env.LOCAL_FAULT_RATE);
  const seed = env.LOCAL_FAULT_SEED === undefined ? 1 : Number(env.LOCAL_FAULT_SEED);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new RangeError('LOCAL_FAULT_RATE must be in [0, 1]');
  if (!Number.isInteger(seed)) throw new RangeError('LOCAL_FAULT_SEED must be an integer');
  return { rate, seed };
}
