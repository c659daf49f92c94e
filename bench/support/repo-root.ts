import { fileURLToPath } from 'node:url';

/** The repository root (benchmarks spawn `node deployer/main.ts` and read Dockerfiles from here). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
