// How verification is going, in words shared by the CLI and the dashboard: probe n of m, the last
// answer, which digest answered, time left.
import type { VerifyProgress } from '../contract/status-model.ts';
import { shortDigest } from './format-values.ts';

/**
 * `probe 3 of 13 · 1 of 3 good in a row · last: HTTP 200, reported digest sha256:1234… (not the new
 * one) · 47 s left`. `nowMs` is the reader's clock: time left is counted to the status's deadline.
 */
export function verifyProgressText(progress: VerifyProgress, nowMs: number): string {
  const left = Math.max(0, Math.round((Date.parse(progress.deadline) - nowMs) / 1000));
  const answered =
    progress.lastDigest === undefined
      ? ''
      : progress.lastDigest === progress.expectedDigest
        ? ''
        : ` (${shortDigest(progress.lastDigest)} is not the new ${shortDigest(progress.expectedDigest)})`;
  return [
    `probe ${progress.probe} of ${progress.maxProbes}`,
    `${progress.streak} of ${progress.successesNeeded} good in a row`,
    `last: ${progress.lastAnswer}${answered}`,
    `${left} s left`,
  ].join(' · ');
}
