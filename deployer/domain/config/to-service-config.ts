// Turns one schema-valid file's data into a ServiceConfig with every default filled in.
import type { ServiceConfig, TrackPolicy } from '../types.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { normalisePin } from './semantic-checks.ts';

/** Shape of a file that passed schema and semantic checks (optional fields still optional). */
export interface ValidServiceData {
  name: string;
  cluster: string;
  service: string;
  container: string;
  image: { repository: string; pin?: string; track?: TrackPolicy };
  verify?: {
    url: string;
    expectVersion?: boolean;
    successes?: number;
    intervalSeconds?: number;
    timeoutSeconds?: number;
  };
  cdn?: { distributionId: string; paths?: string[] };
  rollout?: { timeoutSeconds?: number; rollback?: boolean };
  suspended?: boolean;
}

function track(policy: TrackPolicy | undefined): TrackPolicy {
  if (policy === undefined) return { ...CONFIG_DEFAULTS.track };
  if ('semver' in policy) return { semver: policy.semver, prerelease: policy.prerelease ?? false };
  return { ...policy };
}

export function toServiceConfig(data: ValidServiceData, file: string): ServiceConfig {
  const d = CONFIG_DEFAULTS;
  const config: ServiceConfig = {
    name: data.name,
    cluster: data.cluster,
    service: data.service,
    container: data.container,
    image: { repository: data.image.repository, track: track(data.image.track) },
    rollout: {
      timeoutSeconds: data.rollout?.timeoutSeconds ?? d.rollout.timeoutSeconds,
      rollback: data.rollout?.rollback ?? d.rollout.rollback,
    },
    suspended: data.suspended ?? d.suspended,
    source: { file },
  };
  if (data.image.pin !== undefined) config.image.pin = normalisePin(data.image.pin);
  if (data.image.pin !== undefined && data.image.track !== undefined) config.image.pinHoldsTrack = true;
  if (data.verify !== undefined) {
    config.verify = {
      url: data.verify.url,
      expectVersion: data.verify.expectVersion ?? d.verify.expectVersion,
      successes: data.verify.successes ?? d.verify.successes,
      intervalSeconds: data.verify.intervalSeconds ?? d.verify.intervalSeconds,
      timeoutSeconds: data.verify.timeoutSeconds ?? d.verify.timeoutSeconds,
    };
  }
  if (data.cdn !== undefined) {
    config.cdn = { distributionId: data.cdn.distributionId, paths: [...(data.cdn.paths ?? d.cdn.paths)] };
  }
  return config;
}
