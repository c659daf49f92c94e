import { availableParallelism } from 'node:os';
import type { TestProject } from 'vitest/node';
import { startMotoBroker } from './support/moto-broker.ts';

// Printed once per run so CI logs prove which Node the suite ran on (the machine ships Node 20;
// the project pins Node 24 through the `node` devDependency), and how many files of each layer ran
// at once with how busy other work kept the cores at the start (vitest.config.ts halves the counts
// when other work fills every core: a slow run says whether it was parallel, and why not).
// Serves the run's moto broker (test/support/moto-accounts.ts): one moto server for the whole run,
// started by the first file that asks for an account, so a run without moto tests starts none.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  console.log(`tests running on Node ${process.version} (${process.execPath})`);
  const workers = project.vitest.projects.map((p) => `${p.name} ${p.config.maxWorkers}`).join(', ');
  const elsewhere = process.env.TEST_CORES_BUSY_ELSEWHERE;
  const why =
    elsewhere === undefined
      ? 'set by VITEST_MAX_WORKERS'
      : `other work kept ${elsewhere} of ${availableParallelism()} cores busy${
          process.env.TEST_PROCESS_FILES ? '; integration and e2e set by TEST_PROCESS_FILES' : ''
        }`;
  console.log(`files at a time: ${workers} (${why})`);
  const broker = await startMotoBroker();
  project.vitest.getRootProject().provide('motoBroker', broker.url);
  return () => broker.stop();
}
