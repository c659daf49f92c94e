// Rules of `rollout.analysis` a schema cannot state: it runs inside the strategy gate, so it needs a
// traffic-shifting strategy and `verify` (the gate looks at every verify interval), and it needs something
// to read.
import type { Issue } from './schema-errors.ts';

type Data = Record<string, unknown>;
const record = (value: unknown): Data | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;

const SOURCES = ['alarms', 'errorRate', 'http'] as const;
const SHIFTING = new Set(['blue-green', 'canary', 'linear']);

/** Issues of `rollout.analysis`; `root` is the whole file's data (schema errors aside). */
export function analysisIssues(root: Data): Issue[] {
  const rollout = record(root.rollout);
  const analysis = record(rollout?.analysis);
  if (!rollout || !analysis) return [];
  const at = (...path: (string | number)[]): Issue['path'] => ['rollout', 'analysis', ...path];
  const issues: Issue[] = [];
  const strategy = rollout.strategy;
  if (typeof strategy !== 'string' || !SHIFTING.has(strategy))
    issues.push({
      path: at(),
      anchor: 'key',
      message: `\`analysis\` runs while ECS shifts traffic to the new revision, so it needs \`rollout.strategy\` blue-green, canary or linear${typeof strategy === 'string' ? `, not ${strategy}` : ''}; for a rolling update use \`rollout.alarms\` (ECS watches them) and \`verify\``,
    });
  if (record(root.verify) === undefined)
    issues.push({
      path: at(),
      anchor: 'key',
      message:
        "`analysis` is read by the strategy gate, which runs with the deployer's probes: add `verify: { url: ... }` (its intervalSeconds is how often the gate looks)",
    });
  if (!SOURCES.some((source) => source in analysis))
    issues.push({
      path: at(),
      anchor: 'key',
      message: '`analysis` needs at least one source to read: `alarms`, `errorRate` or `http`',
    });
  return issues;
}
