// Builds GitHub webhook deliveries the way GitHub sends them: a JSON body, its HMAC in
// X-Hub-Signature-256, the event name and a unique delivery id. Used by HTTP unit tests and e2e.
import { createHmac, randomUUID } from 'node:crypto';

export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function githubDelivery(
  secret: string,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; contentType?: string } = {},
): Delivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      'x-hub-signature-256': signBody(secret, body),
      'user-agent': 'GitHub-Hookshot/test',
    },
  };
}

export interface PushPayloadOptions {
  after: string;
  before?: string;
  ref?: string;
  repository?: string;
  /** Paths the pushed commit changed (all reported as modified). */
  files?: string[];
}

/** A push payload with one commit that is the head commit. */
export function pushPayload(options: PushPayloadOptions): Record<string, unknown> {
  const commit = {
    id: options.after,
    message: 'test commit',
    timestamp: '2026-01-01T00:00:00Z',
    added: [],
    removed: [],
    modified: options.files ?? ['config/services/actors.yaml'],
  };
  return {
    ref: options.ref ?? 'refs/heads/main',
    before: options.before ?? '1'.repeat(40),
    after: options.after,
    created: false,
    deleted: false,
    forced: false,
    repository: { full_name: options.repository ?? 'example/ecs-gitops-config', name: 'ecs-gitops-config' },
    commits: [commit],
    head_commit: commit,
  };
}
