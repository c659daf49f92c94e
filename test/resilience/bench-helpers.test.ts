// The helpers the benchmarks compute their headline numbers with: a wrong percentile or a wrong
// dependency closure would print a plausible, wrong table.
import { describe, expect, it } from 'vitest';
import { neededPackages } from '../../bench/support/needed-packages.ts';
import { REPO_ROOT } from '../../bench/support/repo-root.ts';
import { formatRatio, percentile } from '../../bench/support/stats.ts';
import { renderTable } from '../../bench/support/table.ts';

describe('percentile (nearest rank)', () => {
  it.each([
    [[1, 2, 3, 4], 50, 2],
    [[4, 3, 2, 1], 100, 4],
    [[5], 99, 5],
    [Array.from({ length: 200 }, (_, index) => index + 1), 99, 198],
    [Array.from({ length: 200 }, (_, index) => index + 1), 50, 100],
  ])('percentile(%j, %d) is %d', (samples, p, expected) => {
    expect(percentile(samples, p)).toBe(expected);
  });

  it('percentile of no samples is NaN, not 0', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('formatRatio', () => {
  it.each([
    [0.57, '0.57x'],
    [1.03, '1.03x'],
    [1 / 361, '1:361'],
    [Number.NaN, 'n/a'],
  ])('formatRatio(%d) is %s', (value, expected) => {
    expect(formatRatio(value)).toBe(expected);
  });
});

describe('renderTable', () => {
  it('aligns columns to the widest cell', () => {
    expect(renderTable(['a', 'bb'], [['ccc', 1]]).split('\n')).toEqual(['a    bb', '---  --', 'ccc  1']);
  });
});

describe('neededPackages (import closure + lockfile dependencies)', () => {
  it('the actors service needs fastify, pino and fast-json-stringify (its generated serializers) with their dependencies, not the AWS SDK', async () => {
    const service = await neededPackages(REPO_ROOT, 'service/main.ts');
    expect(service.direct).toEqual(['fast-json-stringify', 'fastify', 'pino']);
    expect(service.all).toEqual(expect.arrayContaining(['fastify', 'pino', 'fast-json-stringify', 'avvio']));
    expect(service.all.some((name) => name.startsWith('@aws-sdk/'))).toBe(false);
  });

  it('the deployer needs the AWS SDK clients', async () => {
    const deployer = await neededPackages(REPO_ROOT, 'deployer/main.ts');
    expect(deployer.all).toEqual(
      expect.arrayContaining(['@aws-sdk/client-ecs', '@aws-sdk/client-sqs', 'fastify']),
    );
  });
});
