// `npm run local`: starts the whole local world on fixed ports, prints the URLs and the env to
// export, and stops cleanly (no child process left) on Ctrl-C or SIGTERM.
import { faultSettingsFromEnv } from './faults.ts';
import { ECHO_TASK_COMMAND } from './task-commands.ts';
import { DEFAULT_LOCAL_PORTS, startLocalWorld } from './world.ts';

const portFromEnv = (name: string, fallback: number) => {
  const value = process.env[name];
  return value === undefined ? fallback : Number(value);
};

const { rate, seed } = faultSettingsFromEnv(process.env);
const world = await startLocalWorld({
  ports: {
    sqs: portFromEnv('LOCAL_SQS_PORT', DEFAULT_LOCAL_PORTS.sqs),
    ecs: portFromEnv('LOCAL_ECS_PORT', DEFAULT_LOCAL_PORTS.ecs),
    ecr: portFromEnv('LOCAL_ECR_PORT', DEFAULT_LOCAL_PORTS.ecr),
    cloudfront: portFromEnv('LOCAL_CLOUDFRONT_PORT', DEFAULT_LOCAL_PORTS.cloudfront),
    actors: portFromEnv('LOCAL_ACTORS_PORT', DEFAULT_LOCAL_PORTS.actors),
  },
  faultRate: rate,
  faultSeed: seed,
  // LOCAL_USE_ECHO_TASK=1 plays `actors` with the tiny echo fixture (when service/ is not built).
  ...(process.env.LOCAL_USE_ECHO_TASK === '1' ? { taskCommands: { actors: ECHO_TASK_COMMAND } } : {}),
});

const env = world.env();
const banner = [
  '',
  'ecs-gitops local world is up',
  `  actors (load balancer)  ${world.serviceUrl('actors')}   user ${world.actorsCredentials.user} / password ${world.actorsCredentials.password}`,
  `  SQS                     ${world.endpoints.sqs}   queue ${world.queueUrl}`,
  `  ECS                     ${world.endpoints.ecs}`,
  `  ECR                     ${world.endpoints.ecr}   (push: npm run local:push -- actors 1.1.0 [--broken])`,
  `  CloudFront              ${world.endpoints.cloudfront}`,
  ...(rate > 0 ? [`  fault injection         rate ${rate}, seed ${seed}`] : []),
  '',
  'Run the deployer against it with:',
  ...Object.entries(env).map(([name, value]) => `  export ${name}=${value}`),
  '',
  'Ctrl-C stops everything.',
  '',
];
process.stdout.write(`${banner.join('\n')}\n`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the local world\n`);
  world
    .stop()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      process.stderr.write(`stop failed: ${String(error)}\n`);
      process.exit(1);
    });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
