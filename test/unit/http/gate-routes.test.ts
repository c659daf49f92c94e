// approve / reject / sync --override-window over the API (fake runtime): operate token only, the
// verdict and the override carry the token's name, and nothing held answers 409.
import { afterEach, describe, expect, it } from 'vitest';
import { serviceDetail } from '../../../deployer/cli/format/status-report.ts';
import type { GateStatus } from '../../../deployer/contract/status-model.ts';
import { serviceCard } from '../../../deployer/http/dashboard/service-card.ts';
import {
  createFakeRuntime,
  FAKE_DIGEST_V2,
  fakeDeployerStatus,
  fakeServiceStatus,
} from '../../support/fake-runtime.ts';
import { bearer, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const PENDING: GateStatus = {
  reason: 'PendingApproval',
  digest: FAKE_DIGEST_V2,
  message: 'sha256:222222222222 waits for approval: ecs-gitops approve actors (or reject)',
};
const withGate = (gate: GateStatus) =>
  createFakeRuntime({ status: fakeDeployerStatus({ services: [fakeServiceStatus('actors', { gate })] }) });
const READER = 'viewer-secret-0123456789abcdef';
const apiTokens = [
  { name: 'alice', scope: 'operate' as const, secret: 'alice-secret-0123456789abcdef' },
  { name: 'viewer', scope: 'read' as const, secret: READER },
];
const post = (s: TestServer, action: string, token: string, body?: Record<string, unknown>) =>
  s.app.inject({
    method: 'POST',
    url: `/api/services/actors/${action}`,
    headers: bearer(token),
    ...(body ? { payload: body } : {}),
  });

describe('gate levers over the API', () => {
  it('approve answers 202 with the approved digest and records the token name', async () => {
    server = await testServer({ runtime: withGate(PENDING), apiTokens });
    const response = await post(server, 'approve', 'alice-secret-0123456789abcdef');
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ action: 'approve', accepted: true, digest: FAKE_DIGEST_V2 });
    expect(server.runtime.calls).toEqual([
      { method: 'approve', service: 'actors', verdict: 'Approved', by: 'alice' },
    ]);
  });

  it('reject records a Rejected verdict', async () => {
    server = await testServer({ runtime: withGate(PENDING), apiTokens });
    expect((await post(server, 'reject', 'alice-secret-0123456789abcdef')).statusCode).toBe(202);
    expect(server.runtime.calls).toEqual([
      { method: 'approve', service: 'actors', verdict: 'Rejected', by: 'alice' },
    ]);
  });

  it('approve with a read token answers 403 and approves nothing', async () => {
    server = await testServer({ runtime: withGate(PENDING), apiTokens });
    expect((await post(server, 'approve', READER)).statusCode).toBe(403);
    expect(server.runtime.calls).toEqual([]);
  });

  it('approve with nothing held answers 409 NOTHING_TO_APPROVE', async () => {
    server = await testServer();
    const response = await post(server, 'approve', 'test-status-token-0123456789');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: 'NOTHING_TO_APPROVE' } });
  });

  it('sync with overrideWindow passes the token name on and logs the override', async () => {
    server = await testServer({ apiTokens });
    const response = await post(server, 'sync', 'alice-secret-0123456789abcdef', { overrideWindow: true });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ action: 'sync', overrideWindow: true });
    expect(server.runtime.calls).toEqual([
      { method: 'sync', service: 'actors', caller: 'alice', overrideWindow: true },
    ]);
    expect(server.log.lines().find((l) => l.msg === 'manual sync overriding the sync windows')).toMatchObject(
      {
        service: 'actors',
        overrideWindow: true,
        token: 'alice',
      },
    );
  });

  it('sync refuses an unknown body field', async () => {
    server = await testServer({ apiTokens });
    const response = await post(server, 'sync', 'alice-secret-0123456789abcdef', { overrideWindows: true });
    expect(response.statusCode).toBe(400);
    expect(server.runtime.calls).toEqual([]);
  });
});

describe('a held rollout in the CLI and on the dashboard', () => {
  const held = fakeServiceStatus('actors', {
    gate: { ...PENDING, reason: 'OutsideWindow', opensAt: '2026-03-09T09:00:00.000Z', message: 'held' },
  });

  it('serviceDetail prints the gate with when it opens', () => {
    expect(serviceDetail(held)).toMatch(
      /Gate: +OutsideWindow 2222\S* \(opens 2026-03-09 09:00:00Z; sync --override-window starts it\)/,
    );
    expect(serviceDetail(fakeServiceStatus('actors', { gate: PENDING }))).toContain(
      'ecs-gitops approve actors | reject actors',
    );
    expect(serviceDetail(fakeServiceStatus('actors'))).not.toContain('Gate:');
  });

  it('serviceCard shows the gate notice and the command to run', () => {
    const pending = String(serviceCard(fakeServiceStatus('actors', { gate: PENDING })));
    expect(pending).toContain('data-gate="PendingApproval"');
    expect(pending).toContain('<code>npx ecs-gitops approve actors</code>');
    const window = String(serviceCard(held));
    expect(window).toContain('<time datetime="2026-03-09T09:00:00.000Z">');
    expect(window).toContain('--override-window');
    expect(String(serviceCard(fakeServiceStatus('actors')))).not.toContain('data-gate');
  });
});
