// Step 4: prove over HTTP that the new version is really served: `successes` consecutive 200 answers
// whose body reports the new digest (when expectVersion), within timeoutSeconds. After every probe the
// progress (probe n of m, the last answer, which digest answered, the deadline) goes to the status.
import type { VerifyProgress } from '../../contract/status-model.ts';
import type { VerifySettings } from '../../domain/types.ts';
import type { RolloutContext, StepOutcome } from './rollout-context.ts';

/** One probe's answer, judged. */
interface Answer {
  ok: boolean;
  /** Safe to show on /status: a status, a classified transport failure, a digest; never the body. */
  message: string;
  wrongVersion: boolean;
  status?: number;
  digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export async function verifyRollout(
  ctx: RolloutContext,
  verify: VerifySettings,
  digest: string,
): Promise<StepOutcome> {
  ctx.onStep('Verifying');
  const deadline = ctx.clock.now().getTime() + verify.timeoutSeconds * 1000;
  const maxProbes = Math.floor(verify.timeoutSeconds / Math.max(verify.intervalSeconds, 1)) + 1;
  let streak = 0;
  let probes = 0;
  let lastProblem = 'no answer yet';
  let sawWrongVersion = false;
  for (;;) {
    probes += 1;
    const answer = await probe(ctx, verify, digest);
    if (answer.ok) streak += 1;
    else {
      streak = 0;
      lastProblem = answer.message;
      sawWrongVersion = answer.wrongVersion;
    }
    ctx.onVerifyProgress(progressOf(verify, digest, answer, { probes, maxProbes, streak, deadline }));
    if (streak >= verify.successes) {
      ctx.log.info({ url: verify.url, probes }, 'verified');
      return { ok: true };
    }
    if (ctx.clock.now().getTime() >= deadline) {
      return {
        ok: false,
        reason: sawWrongVersion ? 'VerifyWrongVersion' : 'VerifyTimeout',
        message: `${verify.url} did not answer ${verify.successes} times in a row with ${digest.slice(0, 19)} within ${verify.timeoutSeconds}s (${probes} probes; last: ${lastProblem})`,
      };
    }
    ctx.waiting?.();
    await ctx.clock.sleep(verify.intervalSeconds * 1000, ctx.signal);
  }
}

function progressOf(
  verify: VerifySettings,
  digest: string,
  answer: Answer,
  counts: { probes: number; maxProbes: number; streak: number; deadline: number },
): VerifyProgress {
  return {
    url: verify.url,
    probe: counts.probes,
    // A slow answer can push the count past the estimate; never show "probe 9 of 8".
    maxProbes: Math.max(counts.maxProbes, counts.probes),
    streak: counts.streak,
    successesNeeded: verify.successes,
    expectedDigest: digest,
    ...(answer.status === undefined ? {} : { lastStatus: answer.status }),
    ...(answer.digest === undefined ? {} : { lastDigest: answer.digest }),
    lastAnswer: answer.message,
    deadline: new Date(counts.deadline).toISOString(),
  };
}

async function probe(ctx: RolloutContext, verify: VerifySettings, digest: string): Promise<Answer> {
  let answer: { status: number; body: unknown };
  try {
    answer = await ctx.probe.get(verify.url, ctx.signal);
  } catch (error) {
    ctx.signal.throwIfAborted();
    return {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      wrongVersion: false,
    };
  }
  const { status } = answer;
  const reported =
    typeof answer.body === 'object' && answer.body !== null
      ? (answer.body as { digest?: unknown }).digest
      : undefined;
  // Only a well-formed digest is echoed to /status, never other text the probed server sent.
  const shown = typeof reported === 'string' && DIGEST.test(reported) ? reported : undefined;
  const withDigest = shown === undefined ? {} : { digest: shown };
  if (status !== 200)
    return { ok: false, message: `HTTP ${status}`, wrongVersion: false, status, ...withDigest };
  if (!verify.expectVersion)
    return { ok: true, message: 'HTTP 200', wrongVersion: false, status, ...withDigest };
  if (reported === digest)
    return {
      ok: true,
      message: 'HTTP 200, reports the new digest',
      wrongVersion: false,
      status,
      ...withDigest,
    };
  return {
    ok: false,
    message: shown ? `reported digest ${shown.slice(0, 19)}` : 'reported no image digest',
    wrongVersion: true,
    status,
    ...withDigest,
  };
}
