// ConfigSource contract: desired state read from `services/*.yaml` at a revision. Not an AWS port, so its
// three worlds are the in-memory fake, a plain directory and a real git repository.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryConfigSource } from '../../deployer/adapters/directory-config-source.ts';
import { GitConfigSource } from '../../deployer/adapters/git/git-config-source.ts';
import { DeployerError } from '../../deployer/domain/errors.ts';
import type { ConfigSnapshot, ConfigSource } from '../../deployer/ports.ts';
import { ConfigRepo } from '../support/config-repo.ts';
import { FakeConfigSource } from '../support/fakes/index.ts';
import { signal } from './worlds.ts';

interface ConfigSubject {
  source: ConfigSource;
  /** Makes `files` (name → YAML text) the whole content of services/. */
  publish(files: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

const worlds: Record<string, () => Promise<ConfigSubject>> = {
  'the in-memory fake': async () => {
    const source = new FakeConfigSource();
    let commits = 0;
    return {
      source,
      publish: async (files) => {
        commits += 1;
        source.commit(
          `c0ffee${String(commits).padStart(34, '0')}`,
          Object.entries(files).map(([name, text]) => ({ path: `services/${name}`, text })),
        );
      },
      stop: async () => {},
    };
  },
  'a plain directory': async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-contract-dir-'));
    const services = path.join(root, 'services');
    return {
      source: new DirectoryConfigSource({ root, configPath: 'services' }),
      publish: async (files) => {
        await rm(services, { recursive: true, force: true });
        await mkdir(services, { recursive: true });
        for (const [name, text] of Object.entries(files)) await writeFile(path.join(services, name), text);
      },
      stop: () => rm(root, { recursive: true, force: true }),
    };
  },
  'a git repository': async () => {
    const repo = await ConfigRepo.create();
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-contract-git-cache-'));
    let previous: string[] = [];
    return {
      source: new GitConfigSource({
        repository: repo.dir,
        branch: 'main',
        cacheDir,
        configPath: 'config/services',
      }),
      publish: async (files) => {
        const change: Record<string, string | null> = {};
        for (const name of previous) change[`config/services/${name}`] = null;
        for (const [name, text] of Object.entries(files)) change[`config/services/${name}`] = text;
        previous = Object.keys(files);
        await repo.commit(change, 'publish');
      },
      stop: async () => {
        await repo.remove();
        await rm(cacheDir, { recursive: true, force: true });
      },
    };
  },
};

const byName = (snapshot: ConfigSnapshot) =>
  Object.fromEntries(snapshot.files.map((file) => [path.basename(file.path), file.text]));

for (const [title, start] of Object.entries(worlds)) {
  describe(`ConfigSource contract on ${title}`, () => {
    let subject: ConfigSubject;
    beforeAll(async () => {
      subject = await start();
    });
    afterAll(() => subject?.stop());

    it('read() answers every services/*.yaml file with its text under one revision', async () => {
      await subject.publish({ 'actors.yaml': 'name: actors\n', 'web.yaml': 'name: web\n' });
      const snapshot = await subject.source.read(undefined, signal);
      expect(byName(snapshot)).toEqual({ 'actors.yaml': 'name: actors\n', 'web.yaml': 'name: web\n' });
      expect(snapshot.revision).toMatch(/\S/);
    });

    it('a change reads as a new revision, and read(revision) returns the snapshot it names', async () => {
      await subject.publish({ 'actors.yaml': 'name: actors\n' });
      const before = await subject.source.read(undefined, signal);
      await subject.publish({ 'actors.yaml': 'name: actors\nsuspended: true\n' });
      const after = await subject.source.read(undefined, signal);
      expect(after.revision).not.toBe(before.revision);
      expect(byName(after)).toEqual({ 'actors.yaml': 'name: actors\nsuspended: true\n' });
      expect(await subject.source.read(after.revision, signal)).toEqual(after);
    });

    it('read() of a revision it does not have fails with a terminal GIT_FAILED', async () => {
      const error = await subject.source.read('0'.repeat(40), signal).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployerError);
      expect((error as DeployerError).code).toBe('GIT_FAILED');
      expect((error as DeployerError).retryable).toBe(false);
    });
  });
}
