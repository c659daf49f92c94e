// Rules across files: a name matches its file, names are unique, and each ECS service has one config.
// They run on every file that parsed as YAML, even one with schema errors, so one pass shows all.
import type { ConfigError } from '../types.ts';
import { environmentData, environmentNames, writtenAt } from './environments.ts';
import { CLUSTER_PATTERN, NAME_PATTERN, SERVICE_PATTERN } from './service-schema.ts';
import type { Anchor, DataPath, Position } from './yaml-locations.ts';

/** A file that parsed as YAML, with a way to find positions in it. */
export interface ParsedFile {
  file: string;
  data: unknown;
  locate(path: DataPath, anchor: Anchor): Position;
}

/** `config/services/actors.yaml` → `actors`. */
export function fileStem(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  return base.replace(/\.ya?ml$/i, '');
}

// Fields that are wrong on their own are reported by the schema; cross-file rules skip them.
function field(data: unknown, key: string, pattern: string): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' && new RegExp(pattern).test(value) ? value : undefined;
}

// An ARN and a bare name address the same cluster/service: compare by the name at the end.
const lastSegment = (arnOrName: string) => arnOrName.slice(arnOrName.lastIndexOf('/') + 1);

export function crossFileErrors(files: readonly ParsedFile[]): ConfigError[] {
  const errors: ConfigError[] = [];
  const at = (f: ParsedFile, key: string, message: string): ConfigError => ({
    file: f.file,
    ...f.locate([key], 'value'),
    field: key,
    message,
  });
  const byName = new Map<string, ParsedFile>();
  const byTarget = new Map<string, { file: ParsedFile; name: string | undefined }>();
  for (const f of files) {
    const name = field(f.data, 'name', NAME_PATTERN);
    if (name !== undefined) {
      const stem = fileStem(f.file);
      if (name !== stem)
        errors.push(
          at(
            f,
            'name',
            `name \`${name}\` must match the file name \`${stem}\`; rename the file to ${name}.yaml or set \`name: ${stem}\``,
          ),
        );
      const first = byName.get(name);
      if (first)
        errors.push(
          at(
            f,
            'name',
            `duplicate service name \`${name}\`, already used by ${first.file}:${first.locate(['name'], 'value').line}`,
          ),
        );
      else byName.set(name, f);
    }
    for (const { data, path } of targetsOf(f.data)) {
      const cluster = field(data, 'cluster', CLUSTER_PATTERN);
      const service = field(data, 'service', SERVICE_PATTERN);
      if (cluster === undefined || service === undefined) continue;
      const target = `${lastSegment(cluster)}/${lastSegment(service)}`;
      const owner = byTarget.get(target);
      if (owner) {
        // Two environments of one file are environment-checks.ts's to report.
        if (owner.file === f) continue;
        const by = owner.name === undefined ? owner.file.file : `${owner.file.file} (name \`${owner.name}\`)`;
        errors.push({
          file: f.file,
          ...f.locate(path, 'value'),
          field: path.join('.'),
          message: `ECS service \`${lastSegment(service)}\` in cluster \`${lastSegment(cluster)}\` is already managed by ${by}; two configs would fight over it, keep one`,
        });
      } else byTarget.set(target, { file: f, name });
    }
  }
  return errors;
}

/** What a file deploys: its own cluster and service, or each environment's (reported at its override). */
function targetsOf(data: unknown): { data: unknown; path: DataPath }[] {
  const names = environmentNames(data);
  if (names.length === 0) return [{ data, path: ['service'] }];
  return names.map((name) => ({
    data: environmentData(data, name),
    path: writtenAt(data, name, ['service']).path,
  }));
}
