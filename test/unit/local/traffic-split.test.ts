// The local load balancer's split and the stand-in's production steps, as pure functions: the weighted
// picker is exact (so tests can assert counts), and the steps follow ECS's canary and linear rules.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEPLOYMENT_SETTINGS,
  type DeploymentSettings,
} from '../../../local/ecs/deployment-configuration.ts';
import type { LocalServiceDeployment } from '../../../local/ecs/service-deployments.ts';
import { WeightedPicker } from '../../../local/ecs/traffic.ts';
import { productionSteps } from '../../../local/ecs/traffic-shift.ts';

const record = (settings: Partial<DeploymentSettings>) =>
  ({ settings: { ...DEFAULT_DEPLOYMENT_SETTINGS, ...settings } }) as LocalServiceDeployment;

describe('WeightedPicker', () => {
  it.each<{ weights: Record<string, number>; requests: number; expected: Record<string, number> }>([
    { weights: { blue: 90, green: 10 }, requests: 100, expected: { blue: 90, green: 10 } },
    { weights: { blue: 95, green: 5 }, requests: 20, expected: { blue: 19, green: 1 } },
    { weights: { blue: 87.5, green: 12.5 }, requests: 8, expected: { blue: 7, green: 1 } },
    { weights: { green: 100 }, requests: 7, expected: { green: 7 } },
  ])('pick($weights) over $requests requests gives exactly $expected', ({ weights, requests, expected }) => {
    const picker = new WeightedPicker();
    const counts: Record<string, number> = {};
    for (let i = 0; i < requests; i++) {
      const group = picker.pick(weights) ?? 'none';
      counts[group] = (counts[group] ?? 0) + 1;
    }
    expect(counts).toEqual(expected);
  });

  it('forgets a target group that left the weights', () => {
    const picker = new WeightedPicker();
    for (let i = 0; i < 3; i++) picker.pick({ blue: 50, green: 50 });
    expect([picker.pick({ green: 100 }), picker.pick({ green: 100 })]).toEqual(['green', 'green']);
  });
});

describe('productionSteps', () => {
  it.each([
    { what: 'BLUE_GREEN: all at once', settings: { strategy: 'BLUE_GREEN' as const }, steps: [100] },
    {
      what: 'CANARY: the canary share, then the rest',
      settings: {
        strategy: 'CANARY' as const,
        canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 },
      },
      steps: [5, 100],
    },
    {
      what: 'CANARY of 100 %: one step',
      settings: {
        strategy: 'CANARY' as const,
        canaryConfiguration: { canaryPercent: 100, canaryBakeTimeInMinutes: 10 },
      },
      steps: [100],
    },
    {
      what: 'LINEAR 30: 30, 60, 90, then 100',
      settings: {
        strategy: 'LINEAR' as const,
        linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: 6 },
      },
      steps: [30, 60, 90, 100],
    },
    {
      what: 'LINEAR 25: the last step reaches 100 exactly',
      settings: {
        strategy: 'LINEAR' as const,
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 6 },
      },
      steps: [25, 50, 75, 100],
    },
    {
      what: 'LINEAR 0.1 grid: 33.3 steps',
      settings: {
        strategy: 'LINEAR' as const,
        linearConfiguration: { stepPercent: 33.3, stepBakeTimeInMinutes: 6 },
      },
      steps: [33.3, 66.6, 99.9, 100],
    },
  ])('$what', ({ settings, steps }) => {
    expect(productionSteps(record(settings))).toEqual(steps);
  });
});
