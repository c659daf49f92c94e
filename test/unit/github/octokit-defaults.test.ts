// The GitHub client's production pacing: the integration tests shorten the spacing of writes
// (writeSpacingMs) to run in milliseconds, so the value the deployer uses is pinned here.
import { describe, expect, it } from 'vitest';
import { WRITE_SPACING_MS } from '../../../deployer/adapters/github/octokit-github.ts';

describe('OctokitGitHub defaults', () => {
  it('spaces writes a second apart ("Best practices for using the REST API"; docs/github.md)', () => {
    expect(WRITE_SPACING_MS).toBe(1_000);
  });
});
