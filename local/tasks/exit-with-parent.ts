// Preloaded into every local task process (`node --import <this> …`, see process-runner.ts): when
// the process that ran the task dies without stopping it (kill -9 of the deployer), the task gets
// the SIGTERM that ECS would send, so a crashed local world leaves no task process behind.
import { watchParent } from './parent-watch.ts';

watchParent(() => process.kill(process.pid, 'SIGTERM'));
