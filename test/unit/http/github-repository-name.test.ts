import { describe, expect, it } from 'vitest';
import { githubRepositoryName } from '../../../deployer/http/github-repository-name.ts';

describe('githubRepositoryName', () => {
  it.each([
    ['https://github.com/acme/deploy-config.git', 'acme/deploy-config'],
    ['https://github.com/acme/deploy-config', 'acme/deploy-config'],
    ['https://github.com/acme/deploy-config/', 'acme/deploy-config'],
    ['https://x-access-token:ghs_abc@github.com/acme/deploy-config.git', 'acme/deploy-config'],
    ['git@github.com:acme/deploy-config.git', 'acme/deploy-config'],
    ['ssh://git@github.com/acme/deploy-config.git', 'acme/deploy-config'],
    ['https://github.example.com/platform/config.git', 'platform/config'],
    ['/srv/git/config', undefined],
    ['./config-repo', undefined],
    ['file:///srv/git/config.git', undefined],
    ['https://gitlab.com/group/sub/config.git', undefined],
    ['https://github.com/acme', undefined],
    ['not a url', undefined],
  ])('githubRepositoryName(%j) returns %j', (remote, name) => {
    expect(githubRepositoryName(remote)).toBe(name);
  });
});
