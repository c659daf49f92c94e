// Rules of `environments` that a schema cannot state: environment names, the promotion graph (the first
// environment starts it, every other one is promoted from a known environment or pins, no cycles), one
// ECS service per environment, and every other rule of the file applied to each environment's merged
// data, reported where the fix goes (the override, or the top-level field it inherited).

import { environmentData, environmentNames, overridesOf, writtenAt } from './environments.ts';
import { ENVIRONMENT_NAME_PATTERN } from './environments-schema.ts';
import { dotted } from './field-path.ts';
import type { Issue } from './schema-errors.ts';
import { closestMatch } from './suggestions.ts';

type Data = Record<string, unknown>;
const record = (value: unknown): Data | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/** `promote.from` of an environment, when it is written as text. */
const fromOf = (data: unknown, environment: string) =>
  text(record(overridesOf(data, environment).promote)?.from);

function nameIssues(names: readonly string[]): Issue[] {
  const pattern = new RegExp(ENVIRONMENT_NAME_PATTERN);
  return names
    .filter((name) => !pattern.test(name))
    .map((name) => ({
      path: ['environments', name],
      anchor: 'key' as const,
      message: `environment name \`${name}\` must be a lowercase word of up to 32 letters, digits or "-", starting with a letter (e.g. \`staging\`, \`prod-eu\`)`,
    }));
}

function promotionIssues(data: unknown, names: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  const [first] = names;
  for (const [index, name] of names.entries()) {
    const overrides = overridesOf(data, name);
    const promote = record(overrides.promote);
    const pinned = text(record(overrides.image)?.pin) !== undefined;
    if (index === 0) {
      if (promote)
        issues.push({
          path: ['environments', name, 'promote'],
          anchor: 'key',
          message: `\`${name}\` is the first environment: it starts the pipeline and follows image.track, so it cannot be promoted; remove \`promote\` here, or list the environment it should come from first`,
        });
      continue;
    }
    if (!promote && !pinned) {
      issues.push({
        path: ['environments', name],
        anchor: 'key',
        message: `environment \`${name}\` gets no image: only the first environment (\`${first}\`) follows image.track; add \`promote: { from: ${first} }\` or an \`image.pin\``,
      });
      continue;
    }
    const from = fromOf(data, name);
    if (from === undefined) continue; // the schema reports a missing or mistyped `from`
    const at = ['environments', name, 'promote', 'from'];
    if (from === name)
      issues.push({
        path: at,
        anchor: 'value',
        message: `\`${name}\` cannot be promoted from itself; name an earlier environment, e.g. \`${first}\``,
      });
    else if (!names.includes(from)) {
      const suggestion = closestMatch(from, [...names]);
      issues.push({
        path: at,
        anchor: 'value',
        message: `unknown environment \`${from}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''} (environments in this file: ${list(names)})`,
      });
    } else if (record(environmentData(data, from).verify) === undefined) {
      issues.push({
        path: at,
        anchor: 'value',
        message: `\`${from}\` has no \`verify\`, so no digest is ever verified there to promote; give it a verify block (or its environment an override with verify.url)`,
      });
    } else {
      const cycle = cycleFrom(data, names, name);
      if (cycle)
        issues.push({
          path: at,
          anchor: 'value',
          message: `promotion cycle ${cycle.join(' → ')}: no environment in it ever gets an image; promote one of them from \`${first}\``,
        });
    }
  }
  return issues;
}

/** The cycle `start` is part of, following `promote.from` (e.g. [qa, prod, qa]), if any. */
function cycleFrom(data: unknown, names: readonly string[], start: string): string[] | undefined {
  const path = [start];
  let at = fromOf(data, start);
  while (at !== undefined && names.includes(at) && at !== names[0]) {
    path.push(at);
    if (at === start) return path;
    if (path.indexOf(at) !== path.length - 1) return undefined; // a cycle further up, reported there
    at = fromOf(data, at);
  }
  return undefined;
}

/** Two environments deploying the same ECS service would fight over it. */
function sameTargetIssues(data: unknown, names: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const merged = environmentData(data, name);
    const overrides = overridesOf(data, name);
    const [cluster, service] = [text(merged.cluster), text(merged.service)];
    if (cluster === undefined || service === undefined) continue;
    const region = text(overrides.region) ?? '';
    const account = text(overrides.roleArn)?.split(':')[4] ?? '';
    const key = `${account}/${region}/${cluster}/${service}`;
    const other = seen.get(key);
    if (other === undefined) {
      seen.set(key, name);
      continue;
    }
    issues.push({
      path: ['environments', name],
      anchor: 'key',
      message: `environments \`${other}\` and \`${name}\` both deploy ECS service \`${service}\` in cluster \`${cluster}\`; give \`${name}\` its own \`cluster\` or \`service\` (or region or roleArn)`,
    });
  }
  return issues;
}

/**
 * Every rule of the file (`check`) applied to each environment's merged data. An inherited problem that
 * the top-level check already reports is not repeated; one that only the merge causes names its environment.
 */
function mergedIssues(data: unknown, names: readonly string[], check: (data: Data) => Issue[]): Issue[] {
  const reported = new Set(check(environmentData(data, '')).map((i) => `${dotted(i.path)}\0${i.message}`));
  const issues: Issue[] = [];
  for (const name of names) {
    for (const issue of check(environmentData(data, name))) {
      const where = writtenAt(data, name, issue.path);
      if (where.inherited && reported.has(`${dotted(issue.path)}\0${issue.message}`)) continue;
      issues.push({
        ...issue,
        path: where.path,
        ...(issue.field !== undefined && !where.inherited
          ? { field: `environments.${name}.${issue.field}` }
          : {}),
        message: where.inherited ? `${issue.message} (in environment \`${name}\`)` : issue.message,
      });
    }
  }
  return issues;
}

/** `check`: the file's own rules, run on the data of one environment. */
export function environmentIssues(data: unknown, check: (data: Data) => Issue[]): Issue[] {
  const names = environmentNames(data);
  if (names.length === 0) return [];
  return [
    ...nameIssues(names),
    ...promotionIssues(data, names),
    ...sameTargetIssues(data, names),
    ...mergedIssues(data, names, check),
  ];
}
