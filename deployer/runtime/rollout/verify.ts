// Step 4: prove over HTTP that the new version is really served: `successes` consecutive 200 answers
// whose body reports the new digest (when expectVersion), within timeoutSeconds.
import type { VerifySettings } from '../../domain/types.ts';
import type { RolloutContext, StepOutcome } from './rollout-context.ts';

export async function verifyRollout(
  ctx: RolloutContext,
  verify: VerifySettings,
  digest: string,
): Promise<StepOutcome> {
  ctx.onStep('Verifying');
  const deadline = ctx.clock.now().getTime() + verify.timeoutSeconds * 1000;
  let streak = 0;
  let probes = 0;
  let lastProblem = 'no answer yet';
  let sawWrongVersion = false;
  for (;;) {
    probes += 1;
    const problem = await probe(ctx, verify, digest);
    if (problem === undefined) {
      streak += 1;
      if (streak >= verify.successes) {
        ctx.log.info({ url: verify.url, probes }, 'verified');
        return { ok: true };
      }
    } else {
      streak = 0;
      lastProblem = problem.message;
      sawWrongVersion = problem.wrongVersion;
    }
    if (ctx.clock.now().getTime() >= deadline) {
      return {
        ok: false,
        reason: sawWrongVersion ? 'VerifyWrongVersion' : 'VerifyTimeout',
        message: `${verify.url} did not answer ${verify.successes} times in a row with ${digest.slice(0, 19)} within ${verify.timeoutSeconds}s (last: ${lastProblem})`,
      };
    }
    await ctx.clock.sleep(verify.intervalSeconds * 1000, ctx.signal);
  }
}

async function probe(
  ctx: RolloutContext,
  verify: VerifySettings,
  digest: string,
): Promise<{ message: string; wrongVersion: boolean } | undefined> {
  let answer: { status: number; body: unknown };
  try {
    answer = await ctx.probe.get(verify.url, ctx.signal);
  } catch (error) {
    ctx.signal.throwIfAborted();
    return { message: error instanceof Error ? error.message : String(error), wrongVersion: false };
  }
  if (answer.status !== 200) return { message: `HTTP ${answer.status}`, wrongVersion: false };
  if (!verify.expectVersion) return undefined;
  const reported =
    typeof answer.body === 'object' && answer.body !== null
      ? (answer.body as { digest?: unknown }).digest
      : undefined;
  if (reported === digest) return undefined;
  return {
    // Only a digest is echoed to /status, never other text the probed server sent.
    message:
      typeof reported === 'string' && /^sha256:[0-9a-f]{64}$/.test(reported)
        ? `reported digest ${reported.slice(0, 19)}`
        : 'reported no image digest',
    wrongVersion: true,
  };
}
