// After a successful rollout, records what the service runs (its digest-pinned image) where the next
// infrastructure deploy reads it (an SSM parameter the stack resolves), so a `cdk deploy` never moves
// the image backwards. Best effort: the rollout has succeeded whatever happens here, so a failure is
// logged and counted, never thrown; the next successful rollout writes the record again.
import type { Logger } from 'pino';
import type { ReleaseRecordPort } from '../../ports.ts';
import type { DeployerMetrics } from '../metrics.ts';

export interface ReleaseRecordDeps {
  /** Absent when nothing reads the record (the local world, RELEASE_PARAMETER_PREFIX unset). */
  releaseRecords?: ReleaseRecordPort | undefined;
  metrics: DeployerMetrics;
  log: Logger;
  signal: AbortSignal;
}

export async function recordRelease(
  deps: ReleaseRecordDeps,
  service: string,
  served: { image: string; digest: string },
): Promise<void> {
  const { releaseRecords, metrics, log, signal } = deps;
  if (!releaseRecords) return;
  // Only a digest-pinned image may be recorded: a tag could move under the next deploy.
  if (!served.image.endsWith(`@${served.digest}`)) {
    log.warn(
      { image: served.image, digest: served.digest },
      'release not recorded: the image is not digest-pinned',
    );
    metrics.releaseRecord(service, 'skipped');
    return;
  }
  try {
    await releaseRecords.recordServed(service, { image: served.image }, signal);
    metrics.releaseRecord(service, 'written');
    log.info({ image: served.image }, 'release recorded for the next infrastructure deploy');
  } catch (error) {
    if (signal.aborted) return;
    metrics.releaseRecord(service, 'failed');
    log.warn(
      { err: error, image: served.image },
      'release could not be recorded; a cdk deploy may start the older image until the next rollout records it',
    );
  }
}
