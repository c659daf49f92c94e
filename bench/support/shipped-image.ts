// What a production image runs: its Dockerfile's CMD arguments after `node` and its final stage's
// ENV (NODE_ENV, NODE_OPTIONS, LOG_LEVEL if set…), so benches measure the process as it ships.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { command, environment, parseDockerfile } from '../../test/support/dockerfile.ts';
import { warmCompileCacheAsBuilt } from '../../test/support/image-compile-cache.ts';
import { REPO_ROOT } from './repo-root.ts';

export function shippedImage(dockerfileName: string): { args: string[]; env: Record<string, string> } {
  const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, dockerfileName), 'utf8'));
  const [program, ...args] = command(dockerfile.final) ?? [];
  if (program !== 'node') throw new Error(`${dockerfileName}'s CMD starts with '${program}', expected node`);
  return { args, env: environment(dockerfile.final) };
}

/**
 * The same, with the build's compile-cache step run as the image build runs it (a temporary directory
 * for the image's NODE_COMPILE_CACHE): a process started with this env starts as the image's does.
 */
export async function shippedImageAsBuilt(
  dockerfileName: string,
): Promise<{ args: string[]; env: Record<string, string>; compileCache: string | undefined }> {
  const { args } = shippedImage(dockerfileName);
  const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, dockerfileName), 'utf8'));
  const warmed = await warmCompileCacheAsBuilt(dockerfile.final, REPO_ROOT);
  return { args, env: warmed.env, compileCache: warmed.cacheDir };
}
