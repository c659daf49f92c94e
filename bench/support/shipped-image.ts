// What a production image runs: its Dockerfile's CMD arguments after `node` and its final stage's
// ENV (NODE_ENV, NODE_OPTIONS, LOG_LEVEL if set…), so benches measure the process as it ships.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { command, environment, parseDockerfile } from '../../test/support/dockerfile.ts';
import { REPO_ROOT } from './repo-root.ts';

export function shippedImage(dockerfileName: string): { args: string[]; env: Record<string, string> } {
  const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, dockerfileName), 'utf8'));
  const [program, ...args] = command(dockerfile.final) ?? [];
  if (program !== 'node') throw new Error(`${dockerfileName}'s CMD starts with '${program}', expected node`);
  return { args, env: environment(dockerfile.final) };
}
