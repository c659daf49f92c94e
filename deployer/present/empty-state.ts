// What to say when there is no service to show: still starting, config rejected, or none configured.
import type { DeployerStatus } from '../contract/status-model.ts';

export function emptyStateMessage(status: DeployerStatus): string {
  if (status.config.revision === null && status.config.errors.length === 0)
    return 'The deployer is still loading its config; services appear here once it has been read.';
  if (status.config.revision === null)
    return 'No valid config has been applied yet: fix the errors above and push again.';
  return 'No services configured: add one under config/services/.';
}
