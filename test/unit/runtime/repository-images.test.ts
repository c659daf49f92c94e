// RepositoryImages: what a resync pass knows of each repository between two DescribeImages.
import { describe, expect, it } from 'vitest';
import type { RegistryImage } from '../../../deployer/domain/types.ts';
import type { RegistryPort } from '../../../deployer/ports.ts';
import { RepositoryImages } from '../../../deployer/runtime/repository-images.ts';
import { FakeClock, FakeRegistry } from '../../support/fakes/index.ts';

const signal = new AbortController().signal;

/** The fake registry, whose next listImages answer waits for release() (a read in flight). */
function heldRegistry() {
  const registry = new FakeRegistry(new FakeClock());
  let hold: Promise<void> | undefined;
  let release = () => {};
  const port: RegistryPort = {
    listImages: async (repository, s): Promise<RegistryImage[]> => {
      const answer = await registry.listImages(repository, s); // what ECR holds when asked
      await hold;
      return answer;
    },
    repositoryUri: (repository, s) => registry.repositoryUri(repository, s),
  };
  return {
    registry,
    port,
    holdNext: () => {
      hold = new Promise((resolve) => {
        release = () => {
          hold = undefined;
          resolve();
        };
      });
    },
    release: () => release(),
  };
}

describe('RepositoryImages', () => {
  it('answers from the last read until an ECR event names the repository', async () => {
    const { registry, port } = heldRegistry();
    registry.push('team/actors', '1.0.0');
    const images = new RepositoryImages(port, { rereadEveryPasses: 1_000 });
    images.nextPass();
    await images.images('team/actors', signal);
    const v2 = registry.push('team/actors', '2.0.0');
    images.nextPass();
    expect((await images.images('team/actors', signal)).map((i) => i.digest)).not.toContain(v2);
    images.changed('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/actors'); // an event names it by URI
    expect((await images.images('team/actors', signal)).map((i) => i.digest)).toContain(v2);
  });

  it('does not keep a read that was in flight when an event named the repository', async () => {
    const { registry, port, holdNext, release } = heldRegistry();
    registry.push('actors', '1.0.0');
    const images = new RepositoryImages(port, { rereadEveryPasses: 1_000 });
    images.nextPass();
    holdNext();
    const inFlight = images.images('actors', signal); // asked before the push below
    const v2 = registry.push('actors', '2.0.0');
    images.changed('actors');
    release();
    expect((await inFlight).map((i) => i.digest)).not.toContain(v2);
    // The stale answer was not kept: the same pass asks ECR again.
    expect((await images.images('actors', signal)).map((i) => i.digest)).toContain(v2);
  });

  it('an event about a repository configured by name and by URI makes both read again', async () => {
    const { registry, port } = heldRegistry();
    registry.push('team/actors', '1.0.0');
    const uri = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/actors';
    const images = new RepositoryImages(port, { rereadEveryPasses: 1_000 });
    images.nextPass();
    await images.images('team/actors', signal);
    await images.images(uri, signal);
    await images.images('team/actors', signal); // a name cached once, not twice
    const v2 = registry.push('team/actors', '2.0.0');
    images.changed('team/actors');
    for (const configured of ['team/actors', uri])
      expect((await images.images(configured, signal)).map((i) => i.digest)).toContain(v2);
  });
});
