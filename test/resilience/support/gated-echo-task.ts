// The echo fixture, held back while a gate file exists. The chaos harness creates the file before a
// push so the new ECS task stays unhealthy (and the deployer stays in Waiting) until the deployer
// has been killed; removing the file lets the task start and the rollout go on.
import { existsSync } from 'node:fs';

const gate = process.argv[2];
while (gate && existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 10));
await import('../../../local/fixtures/echo-task.ts');
