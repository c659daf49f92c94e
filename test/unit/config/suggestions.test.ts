import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../../deployer/domain/config/suggestions.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['image', 'image', 0],
    ['imgae', 'image', 1], // adjacent swap counts once
    ['image', 'images', 1],
    ['servce', 'service', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('editDistance(%j, %j) is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});

describe('closestMatch', () => {
  const fields = [
    'name',
    'cluster',
    'service',
    'container',
    'image',
    'verify',
    'cdn',
    'rollout',
    'suspended',
  ];
  it.each([
    ['imgae', 'image'],
    ['Image', 'image'],
    ['clutser', 'cluster'],
    ['suspend', 'suspended'],
    ['rolout', 'rollout'],
    ['cnd', 'cdn'],
  ])('closestMatch(%j) suggests %j', (word, expected) => {
    expect(closestMatch(word, fields)).toBe(expected);
  });

  it.each(['replicas', 'x', 'healthcheck'])('closestMatch(%j) suggests nothing far away', (word) => {
    expect(closestMatch(word, fields)).toBeUndefined();
  });
});
