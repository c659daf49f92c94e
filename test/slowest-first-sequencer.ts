// The order in which `npm test` starts its files. Vitest starts the slowest first when it has the
// durations of an earlier run (node_modules/.vite/vitest); a fresh clone (CI) has none, and vitest then
// goes by file size, and by project name before that (every e2e file before any integration file).
// That left a 70 s template check and a 35 s CLI file to start last, on a machine with nothing else to
// do by then. Without recorded durations, the files below (the slowest on an idle 2-core CI machine,
// slowest first) start first within their layer; a file missing from the list only loses its head start.
//
// Layers stay in one block each, as vitest keeps them with durations: a worker only takes the next
// file of its own project (`isolate: false` shares a worker between files of one project), so each
// time the next file belongs to the other layer the pool stops the worker and starts a new one, which
// imports vitest, the local world, Fastify and the SDK again (~2-3 s of CPU). Interleaving the slow
// files of both layers started 14 workers for the process layers in a CI run; blocks start at most 8.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SLOWEST_FILES = [
  // e2e (their durations in a quiet fresh-clone CI run, December 2 17:00: 46 s down to 12 s)
  'test/e2e/quick-start.test.ts',
  'test/e2e/deployer/github.test.ts',
  'test/e2e/deployer/moto-eventbridge.test.ts',
  'test/e2e/npm-start-signals.test.ts',
  'test/e2e/deployer/strategies.test.ts',
  'test/e2e/deployer/restarts.test.ts',
  'test/e2e/deployer/one-deployer-tour.test.ts',
  'test/e2e/dashboard/dashboard-browser.test.ts',
  'test/e2e/dashboard/dashboard.test.ts',
  'test/e2e/deployer/three-replicas.test.ts',
  'test/e2e/deployer/local-mode.test.ts',
  'test/e2e/deployer/promotion.test.ts',
  // integration, contract, resilience (same run, 60 s down to 7 s). The CPU-heavy ones near the end of
  // this list (fuzzing, CDK synth) are here so that they do not start last, alone on the tail.
  'test/integration/infra/template-checks.test.ts',
  'test/resilience/chaos-kill.test.ts',
  'test/integration/docker/deployer-image.test.ts',
  'test/integration/cli/bin.test.ts',
  'test/integration/service/actors-process.test.ts',
  'test/contract/ecs.contract.test.ts',
  'test/integration/adapters/git-config-source.test.ts',
  'test/integration/local/ecs-strategies.test.ts',
  'test/resilience/queue-outages.test.ts',
  'test/resilience/config-restart.test.ts',
  'infra/test/intake-template.test.ts',
  'test/resilience/webhook-fuzz.test.ts',
  'test/integration/github/pin-requester.test.ts',
  'test/integration/local/strategy-gate.test.ts',
  'test/integration/local/analysis.test.ts',
  'test/resilience/aws-faults.test.ts',
  'test/integration/github/github-stand-in-repository.test.ts',
  'infra/test/gitops-stack.test.ts',
];

export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const known = sorted.every((spec) => this.ctx.cache.getTestSpecificationResult(spec));
    if (known) return sorted;
    const rank = (spec: TestSpecification) => {
      const index = SLOWEST_FILES.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return index < 0 ? SLOWEST_FILES.length : index;
    };
    const group = (spec: TestSpecification) => spec.project.config.sequence.groupOrder;
    const layer = (a: TestSpecification, b: TestSpecification) =>
      a.project.name === b.project.name ? 0 : a.project.name < b.project.name ? -1 : 1;
    // Array.prototype.sort is stable: the rest keeps vitest's order.
    return sorted.sort((a, b) => group(a) - group(b) || layer(a, b) || rank(a) - rank(b));
  }
}
