// A parsed service config (what the config parser yields) for tests that start past parsing: the
// actors service on the `gitops` cluster, tracking its newest push; a test overrides what it is about.
import type { ServiceConfig } from '../../../deployer/domain/types.ts';

export function actorsServiceConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name: 'actors',
    cluster: 'gitops',
    service: 'actors',
    container: 'actors',
    image: { repository: 'actors', track: { latest: true } },
    rollout: { timeoutSeconds: 900, rollback: true },
    suspended: false,
    source: { file: 'services/actors.yaml' },
    ...overrides,
  };
}
