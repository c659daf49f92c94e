// The actors service as tests configure it over a local world: its config YAML (one builder for every
// test that writes one) and the fast stand-in timing the runtime tests share.
import {
  environmentServiceName,
  LOCAL_DISTRIBUTION_ID,
  type LocalTiming,
  type LocalWorld,
} from '../../local/world.ts';

/** Fast, but with a generous health timeout: idle it costs nothing, and it spares a slow task start. */
export const RUNTIME_WORLD_TIMING: Partial<LocalTiming> = {
  tickMs: 25,
  healthPollMs: 25,
  healthTimeoutMs: 15_000,
  stopGraceMs: 300,
  invalidationMs: 200,
};

export interface ActorsYamlOptions {
  /** A pinned tag or digest; otherwise the image tracks `semver` (default ^1.0.0). */
  pin?: string;
  semver?: string;
  verify?: { url: string; successes?: number; intervalSeconds?: number; timeoutSeconds?: number };
  /** Invalidate the local CloudFront stand-in's distribution after a rollout. */
  cdn?: boolean;
  rolloutTimeoutSeconds?: number;
  suspended?: boolean;
}

/** config/services/actors.yaml for the local world's `gitops` cluster; unset fields keep their defaults. */
export function actorsYaml(options: ActorsYamlOptions = {}): string {
  const lines = ['name: actors', 'cluster: gitops', 'service: actors', 'container: actors', 'image:'];
  lines.push('  repository: actors');
  if (options.pin !== undefined) lines.push(`  pin: "${options.pin}"`);
  else lines.push('  track:', `    semver: "${options.semver ?? '^1.0.0'}"`);
  const { verify } = options;
  if (verify) {
    lines.push('verify:', `  url: ${verify.url}`, '  expectVersion: true');
    if (verify.successes !== undefined) lines.push(`  successes: ${verify.successes}`);
    if (verify.intervalSeconds !== undefined) lines.push(`  intervalSeconds: ${verify.intervalSeconds}`);
    if (verify.timeoutSeconds !== undefined) lines.push(`  timeoutSeconds: ${verify.timeoutSeconds}`);
  }
  if (options.cdn) lines.push('cdn:', `  distributionId: ${LOCAL_DISTRIBUTION_ID}`, '  paths: ["/*"]');
  if (options.rolloutTimeoutSeconds !== undefined)
    lines.push('rollout:', `  timeoutSeconds: ${options.rolloutTimeoutSeconds}`, '  rollback: true');
  if (options.suspended !== undefined) lines.push(`suspended: ${options.suspended}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The actors service of a running world: verified through the world's load balancer, its CDN the
 * CloudFront stand-in. `verify` tunes the probe (the URL is the world's).
 */
export function worldActorsYaml(
  world: Pick<LocalWorld, 'serviceUrl'>,
  options: Omit<ActorsYamlOptions, 'verify' | 'cdn'> & {
    verify?: Omit<NonNullable<ActorsYamlOptions['verify']>, 'url'>;
  } = {},
): string {
  return actorsYaml({
    ...options,
    verify: { url: `${world.serviceUrl('actors')}/version`, ...options.verify },
    cdn: true,
  });
}

/**
 * config/services/actors.yaml as a pipeline over a world seeded with `environments: [staging,
 * production]`: staging follows semver ^1.0.0, production is promoted from staging once verified; each
 * verifies through its own load balancer.
 */
export function pipelineActorsYaml(
  world: Pick<LocalWorld, 'serviceUrl'>,
  options: { soakMinutes?: number } = {},
): string {
  const url = (environment: string) => `${world.serviceUrl(environmentServiceName(environment))}/version`;
  const soak = options.soakMinutes === undefined ? '' : `, soakMinutes: ${options.soakMinutes}`;
  return `${[
    'name: actors',
    'cluster: staging',
    `service: ${environmentServiceName('staging')}`,
    'container: actors',
    'image:',
    '  repository: actors',
    '  track:',
    '    semver: "^1.0.0"',
    'verify:',
    `  url: ${url('staging')}`,
    '  expectVersion: true',
    '  successes: 2',
    '  intervalSeconds: 0.1',
    '  timeoutSeconds: 10',
    'rollout:',
    '  timeoutSeconds: 30',
    '  rollback: true',
    'environments:',
    '  staging: {}',
    '  production:',
    '    cluster: production',
    `    service: ${environmentServiceName('production')}`,
    `    verify: { url: ${url('production')} }`,
    `    promote: { from: staging, after: verified${soak} }`,
  ].join('\n')}\n`;
}
