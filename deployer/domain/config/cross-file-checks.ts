// Rules across files: a name matches its file, names are unique, and each ECS service has one config.
import type { ConfigError, ServiceConfig } from '../types.ts';
import type { Anchor, DataPath, Position } from './yaml-locations.ts';

/** A file that passed its own checks, with a way to find positions in it. */
export interface CheckedFile {
  file: string;
  config: ServiceConfig;
  locate(path: DataPath, anchor: Anchor): Position;
}

const at = (f: CheckedFile, field: string, message: string): ConfigError => ({
  file: f.file,
  ...f.locate(field.split('.'), 'value'),
  field,
  message,
});

/** `config/services/actors.yaml` → `actors`. */
export function fileStem(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.replace(/\.ya?ml$/i, '');
}

// An ARN and a bare name address the same cluster/service: compare by the name at the end.
const clusterName = (cluster: string) => cluster.slice(cluster.lastIndexOf('/') + 1);
const serviceName = (service: string) => service.slice(service.lastIndexOf('/') + 1);

export function crossFileErrors(files: readonly CheckedFile[]): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const f of files) {
    const stem = fileStem(f.file);
    if (f.config.name !== stem)
      errors.push(
        at(
          f,
          'name',
          `name \`${f.config.name}\` must match the file name \`${stem}\`; rename the file to ${f.config.name}.yaml or set \`name: ${stem}\``,
        ),
      );
  }
  const byName = new Map<string, CheckedFile>();
  const byTarget = new Map<string, CheckedFile>();
  for (const f of files) {
    const first = byName.get(f.config.name);
    if (first) {
      const line = first.locate(['name'], 'value').line;
      errors.push(
        at(f, 'name', `duplicate service name \`${f.config.name}\`, already used by ${first.file}:${line}`),
      );
    } else byName.set(f.config.name, f);
    const cluster = clusterName(f.config.cluster);
    const service = serviceName(f.config.service);
    const target = `${cluster}/${service}`;
    const owner = byTarget.get(target);
    if (owner) {
      errors.push(
        at(
          f,
          'service',
          `ECS service \`${service}\` in cluster \`${cluster}\` is already managed by ${owner.file} (name \`${owner.config.name}\`); two configs would fight over it, keep one`,
        ),
      );
    } else byTarget.set(target, f);
  }
  return errors;
}
