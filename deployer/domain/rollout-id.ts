// Deterministic rollout ids: the same service, image and config always map to the same rollout.
import { createHash } from 'node:crypto';

export function rolloutId(service: string, digest: string, configRevision: string): string {
  const hash = createHash('sha256').update(`${service}\u0000${digest}\u0000${configRevision}`).digest('hex');
  return `ro-${hash.slice(0, 20)}`;
}
