// A real git repository in a temp dir holding config/services/*.yaml, for e2e tests that drive the
// deployer with commits and webhooks the way GitHub would.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'e2e',
  GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
  GIT_COMMITTER_NAME: 'e2e',
  GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

export class ConfigRepo {
  readonly dir: string;
  private constructor(dir: string) {
    this.dir = dir;
  }

  static async create(): Promise<ConfigRepo> {
    const dir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-e2e-repo-'));
    const repo = new ConfigRepo(dir);
    await repo.git('init', '-q', '-b', 'main');
    return repo;
  }

  async git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', args, { cwd: this.dir, env: { ...process.env, ...GIT_ENV } });
    return stdout.trim();
  }

  /** Writes (string) or deletes (null) files relative to the repo root, commits, returns the sha. */
  async commit(files: Record<string, string | null>, message: string): Promise<string> {
    for (const [file, text] of Object.entries(files)) {
      const target = path.join(this.dir, file);
      if (text === null) {
        await rm(target, { force: true });
      } else {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, text);
      }
    }
    await this.git('add', '-A');
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
