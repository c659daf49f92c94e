// A service config as YAML, like config/services/<name>.yaml, for worlds built on the fakes.
import type { ConfigFile } from '../../../deployer/domain/types.ts';

export function serviceYaml(options: {
  name?: string;
  track?: string;
  pin?: string;
  verify?: boolean;
  cdn?: boolean;
  rollback?: boolean;
  suspended?: boolean;
  repository?: string;
}): ConfigFile {
  const name = options.name ?? 'actors';
  const lines = [
    `name: ${name}`,
    'cluster: gitops',
    `service: ${name}`,
    `container: ${name}`,
    'image:',
    `  repository: ${options.repository ?? name}`,
    options.pin ? `  pin: "${options.pin}"` : `  track:\n    semver: "${options.track ?? '^1.0.0'}"`,
  ];
  if (options.verify !== false)
    lines.push(
      'verify:',
      `  url: http://${name}.test/version`,
      '  expectVersion: true',
      '  successes: 2',
      '  timeoutSeconds: 30',
    );
  if (options.cdn !== false) lines.push('cdn:', '  distributionId: E2EXAMPLE', '  paths: ["/*"]');
  lines.push('rollout:', '  timeoutSeconds: 120', `  rollback: ${options.rollback !== false}`);
  if (options.suspended) lines.push('suspended: true');
  return { path: `services/${name}.yaml`, text: `${lines.join('\n')}\n` };
}
