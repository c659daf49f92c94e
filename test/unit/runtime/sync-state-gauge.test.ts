import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SYNC_STATES } from '../../../deployer/contract/status-model.ts';
import { createMetrics } from '../../../deployer/runtime/metrics.ts';

/** The series prom-client keeps in a metric between scrapes (its `hashMap`, one entry per label set). */
function keptSeries(registry: Registry, name: string): number {
  const metric = registry.getSingleMetric(name) as unknown as { hashMap: Record<string, unknown> };
  return Object.keys(metric.hashMap).length;
}

describe('ecs_gitops_sync_state (sync-state-gauge.ts)', () => {
  it('keeps one state per service and no series: they are made when /metrics is read', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (let index = 0; index < 100; index += 1) metrics.syncState(`svc-${index}`, 'Synced');
    metrics.syncState('svc-7', 'Failed');
    expect(keptSeries(metrics.registry, 'ecs_gitops_sync_state')).toBe(0);
    const text = await metrics.registry.getSingleMetricAsString('ecs_gitops_sync_state');
    const lines = text.split('\n').filter((line) => line.startsWith('ecs_gitops_sync_state{'));
    expect(lines).toHaveLength(100 * SYNC_STATES.length);
    expect(lines).toContain('ecs_gitops_sync_state{service="svc-7",state="Failed"} 1');
    expect(lines).toContain('ecs_gitops_sync_state{service="svc-7",state="Synced"} 0');
    expect(lines).toContain('ecs_gitops_sync_state{service="svc-8",state="Synced"} 1');
    expect(keptSeries(metrics.registry, 'ecs_gitops_sync_state')).toBe(0);
  });

  it('lists the series by service in the order services were first seen, states in their order', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.syncState('web', 'Progressing');
    metrics.syncState('api', 'Synced');
    const json = await metrics.registry.getMetricsAsJSON();
    const values = json.find((metric) => metric.name === 'ecs_gitops_sync_state')?.values ?? [];
    expect(values.map((v) => `${v.labels.service}:${v.labels.state}=${v.value}`)).toEqual([
      ...SYNC_STATES.map((state) => `web:${state}=${state === 'Progressing' ? 1 : 0}`),
      ...SYNC_STATES.map((state) => `api:${state}=${state === 'Synced' ? 1 : 0}`),
    ]);
  });

  it('forget drops the service from the next read', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.syncState('web', 'Synced');
    metrics.syncState('api', 'Synced');
    metrics.forget('web');
    const text = await metrics.registry.getSingleMetricAsString('ecs_gitops_sync_state');
    expect(text).not.toContain('service="web"');
    expect(text).toContain('ecs_gitops_sync_state{service="api",state="Synced"} 1');
  });
});
