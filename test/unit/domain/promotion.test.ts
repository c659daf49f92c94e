import { describe, expect, it } from 'vitest';
import { type PromotionInput, promotion } from '../../../deployer/domain/promotion.ts';
import type { RevisionRecord } from '../../../deployer/domain/revision-tags.ts';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const [V110, V120, V130] = [digest('1'), digest('2'), digest('3')];
const TAGS: Record<string, string> = { [V110]: '1.1.0', [V120]: '1.2.0', [V130]: '1.3.0' };
const NOW = new Date('2026-12-02T10:00:00Z');

const attempt = (
  d: string,
  result: RevisionRecord['result'],
  finishedAt?: string,
  service = 'web@staging',
): RevisionRecord => ({
  rolloutId: `r-${d.slice(7, 10)}`,
  service,
  digest: d,
  ...(result ? { result } : {}),
  ...(finishedAt ? { finishedAt } : {}),
  ...(result === 'RolledBack' ? { reason: 'VerificationFailed' } : {}),
});

function promote(upstream: RevisionRecord[], overrides: Partial<PromotionInput> = {}) {
  return promotion({
    promote: { from: 'web@staging', after: 'verified', soakMinutes: 0 },
    upstream,
    failures: [],
    now: NOW,
    live: undefined,
    tagOf: (d) => TAGS[d],
    ...overrides,
  });
}

describe('promotion', () => {
  it('chooses the newest digest verified upstream', () => {
    const { choice, status } = promote([
      attempt(V120, 'Succeeded', '2026-12-02T09:50:00Z'),
      attempt(V110, 'Succeeded', '2026-12-02T09:00:00Z'),
    ]);
    expect(choice).toMatchObject({ ok: true, digest: V120, tag: '1.2.0' });
    expect(status).toEqual({
      from: 'web@staging',
      soakMinutes: 0,
      promoted: { digest: V120, tag: '1.2.0', verifiedAt: '2026-12-02T09:50:00.000Z' },
      refused: [],
    });
  });

  it('refuses a digest that failed upstream and keeps the one verified before it', () => {
    const { choice, status } = promote([
      attempt(V120, 'RolledBack', '2026-12-02T09:50:00Z'),
      attempt(V110, 'Succeeded', '2026-12-02T09:00:00Z'),
    ]);
    expect(choice).toMatchObject({ ok: true, digest: V110 });
    expect(status.refused).toEqual([
      { digest: V120, tag: '1.2.0', environment: 'web@staging', reason: 'VerificationFailed' },
    ]);
  });

  it('never promotes a digest that failed in any environment, even one verified upstream', () => {
    const { choice, status } = promote(
      [
        attempt(V120, 'Succeeded', '2026-12-02T09:50:00Z'),
        attempt(V110, 'Succeeded', '2026-12-02T09:00:00Z'),
      ],
      { failures: [{ digest: V120, environment: 'web@production', reason: 'DeploymentFailed' }] },
    );
    expect(choice).toMatchObject({ ok: true, digest: V110 });
    expect(status.refused).toEqual([
      { digest: V120, tag: '1.2.0', environment: 'web@production', reason: 'DeploymentFailed' },
    ]);
  });

  it('refuses a digest whose older attempt failed although a newer one succeeded', () => {
    const { choice } = promote([
      attempt(V120, 'Succeeded', '2026-12-02T09:55:00Z'),
      attempt(V120, 'Failed', '2026-12-02T09:50:00Z'),
      attempt(V110, 'Succeeded', '2026-12-02T09:00:00Z'),
    ]);
    expect(choice).toMatchObject({ ok: true, digest: V110 });
  });

  it('waits for the soak time, promoting the newest digest that has soaked', () => {
    const { choice, status } = promote(
      [
        attempt(V130, 'Succeeded', '2026-12-02T09:45:00Z'),
        attempt(V120, 'Succeeded', '2026-12-02T09:00:00Z'),
      ],
      { promote: { from: 'web@staging', after: 'verified', soakMinutes: 30 } },
    );
    expect(choice).toMatchObject({ ok: true, digest: V120 });
    expect(status.soaking).toEqual({
      digest: V130,
      tag: '1.3.0',
      verifiedAt: '2026-12-02T09:45:00.000Z',
      until: '2026-12-02T10:15:00.000Z',
    });
  });

  it('promotes at the end of the soak time exactly', () => {
    const { choice } = promote([attempt(V130, 'Succeeded', '2026-12-02T09:30:00Z')], {
      promote: { from: 'web@staging', after: 'verified', soakMinutes: 30 },
    });
    expect(choice).toMatchObject({ ok: true, digest: V130 });
  });

  it('keeps what runs while nothing may move, and says why', () => {
    const soaking = promote([attempt(V130, 'Succeeded', '2026-12-02T09:45:00Z')], {
      promote: { from: 'web@staging', after: 'verified', soakMinutes: 30 },
      live: V110,
    });
    expect(soaking.choice).toEqual({
      ok: true,
      digest: V110,
      tag: '1.1.0',
      reason:
        'keeps what runs: 1.3.0 (sha256:333333333333) soaks in web@staging until 2026-12-02T10:15:00.000Z',
    });
    const nothing = promote([attempt(V120, 'InProgress')], { live: undefined });
    expect(nothing.choice).toEqual({
      ok: false,
      reason: 'nothing to promote: no digest verified in web@staging yet',
    });
  });

  it('ignores revisions of other services and attempts still in progress', () => {
    const { choice } = promote([
      attempt(V130, 'Succeeded', '2026-12-02T09:50:00Z', 'web@qa'),
      attempt(V120, 'InProgress'),
      attempt(V110, 'Succeeded', '2026-12-02T09:00:00Z'),
    ]);
    expect(choice).toMatchObject({ ok: true, digest: V110 });
  });
});
