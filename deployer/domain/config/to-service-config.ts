// Turns one schema-valid file's data into a ServiceConfig with every default filled in.
import { ANALYSIS_DEFAULTS, type AnalysisSettings, loadBalancerDimension } from '../analysis.ts';
import { parseDuration, type SyncWindow } from '../gates/sync-window.ts';
import {
  ECS_STRATEGY_LIMITS,
  type RolloutStrategy,
  type StrategySettings,
  type TestTraffic,
} from '../rollout-strategy.ts';
import type { EnvironmentSettings, ServiceConfig, TrackPolicy } from '../types.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { environmentData, environmentNames, overridesOf, targetName } from './environments.ts';
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
  rollout?: {
    timeoutSeconds?: number;
    rollback?: boolean;
    strategy?: RolloutStrategy;
    bakeMinutes?: number;
    canary?: { percent?: number; bakeMinutes?: number };
    linear?: { stepPercent?: number; stepBakeMinutes?: number };
    alarms?: string[];
    testTraffic?: TestTraffic;
    analysis?: {
      intervalSeconds?: number;
      alarms?: string[];
      errorRate?: { loadBalancer: string; maxPercent: number; minRequests?: number };
      http?: { url: string; timeoutSeconds?: number };
    };
  };
  suspended?: boolean;
  approval?: 'manual' | 'none';
  windows?: { kind: 'allow' | 'deny'; schedule: string; duration: string; timeZone?: string }[];
  environments?: Record<string, EnvironmentOverrides>;
}

/** What an environment adds to its overrides of the top-level fields. */
interface EnvironmentOverrides {
  region?: string;
  roleArn?: string;
  promote?: { from: string; after?: 'verified'; soakMinutes?: number };
}

function syncWindow(window: NonNullable<ValidServiceData['windows']>[number]): SyncWindow {
  return {
    kind: window.kind,
    schedule: window.schedule,
    duration: window.duration,
    // Semantic checks refused a zero or empty duration before this runs.
    durationMinutes: parseDuration(window.duration) ?? 1,
    timeZone: window.timeZone ?? CONFIG_DEFAULTS.windowTimeZone,
  };
}

function track(policy: TrackPolicy | undefined): TrackPolicy {
  if (policy === undefined) return { ...CONFIG_DEFAULTS.track };
  if ('semver' in policy) return { semver: policy.semver, prerelease: policy.prerelease ?? false };
  return { ...policy };
}

/** The strategy with ECS's defaults for what the file leaves out (ECS_STRATEGY_LIMITS cites them). */
function strategySettings(rollout: ValidServiceData['rollout']): StrategySettings | undefined {
  if (rollout?.strategy === undefined) return undefined;
  const L = ECS_STRATEGY_LIMITS;
  const settings: StrategySettings = { strategy: rollout.strategy };
  if (rollout.bakeMinutes !== undefined) settings.bakeMinutes = rollout.bakeMinutes;
  if (rollout.strategy === 'canary')
    settings.canary = {
      percent: rollout.canary?.percent ?? L.canary.percent.default,
      bakeMinutes: rollout.canary?.bakeMinutes ?? L.canary.bakeMinutes.default,
    };
  if (rollout.strategy === 'linear')
    settings.linear = {
      stepPercent: rollout.linear?.stepPercent ?? L.linear.stepPercent.default,
      stepBakeMinutes: rollout.linear?.stepBakeMinutes ?? L.linear.stepBakeMinutes.default,
    };
  if (rollout.alarms !== undefined) settings.alarms = [...rollout.alarms];
  if (rollout.testTraffic !== undefined)
    settings.testTraffic =
      'header' in rollout.testTraffic
        ? { header: { ...rollout.testTraffic.header } }
        : { listenerRule: rollout.testTraffic.listenerRule };
  return settings;
}

/** `rollout.analysis` with defaults; the load balancer as its metric dimension (`app/<name>/<id>`). */
function analysisSettings(
  analysis: NonNullable<ValidServiceData['rollout']>['analysis'],
): AnalysisSettings | undefined {
  if (analysis === undefined) return undefined;
  const D = ANALYSIS_DEFAULTS;
  const settings: AnalysisSettings = { intervalSeconds: analysis.intervalSeconds ?? D.intervalSeconds };
  if (analysis.alarms) settings.alarms = [...analysis.alarms];
  if (analysis.errorRate)
    settings.errorRate = {
      // An unresolved `${stack:...}` (validate without stack values) stays as written.
      loadBalancer: loadBalancerDimension(analysis.errorRate.loadBalancer) ?? analysis.errorRate.loadBalancer,
      maxPercent: analysis.errorRate.maxPercent,
      minRequests: analysis.errorRate.minRequests ?? D.minRequests,
    };
  if (analysis.http)
    settings.http = {
      url: analysis.http.url,
      timeoutSeconds: analysis.http.timeoutSeconds ?? D.httpTimeoutSeconds,
    };
  return settings;
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
  // Gates only appear when configured, so a service without them reads as before.
  if (data.approval === 'manual') config.approval = 'manual';
  if (data.windows !== undefined && data.windows.length > 0) config.windows = data.windows.map(syncWindow);
  const strategy = strategySettings(data.rollout);
  if (strategy !== undefined) config.rollout.strategy = strategy;
  const analysis = analysisSettings(data.rollout?.analysis);
  if (analysis !== undefined) config.rollout.analysis = analysis;
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

/**
 * The targets of one valid file: the service itself, or one per environment (`actors@staging`, ...), each
 * from the environment's merged data (environments.ts).
 */
export function toServiceConfigs(data: ValidServiceData, file: string): ServiceConfig[] {
  const stages = environmentNames(data);
  if (stages.length === 0) return [toServiceConfig(data, file)];
  return stages.map((name) => {
    const overrides = overridesOf(data, name) as EnvironmentOverrides;
    const environment: EnvironmentSettings = { name, pipeline: data.name, stages };
    if (overrides.region !== undefined) environment.region = overrides.region;
    if (overrides.roleArn !== undefined) environment.roleArn = overrides.roleArn;
    if (overrides.promote !== undefined)
      environment.promote = {
        from: targetName(data.name, overrides.promote.from),
        after: overrides.promote.after ?? 'verified',
        soakMinutes: overrides.promote.soakMinutes ?? 0,
      };
    const config = toServiceConfig(environmentData(data, name) as unknown as ValidServiceData, file);
    return { ...config, name: targetName(data.name, name), environment };
  });
}
