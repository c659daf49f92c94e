// `npm run local`: starts the whole local world on fixed ports, prints the URLs and the env to
// export, and stops cleanly (no child process left) on Ctrl-C or SIGTERM.
import { pino } from 'pino';
import { logDestination, logFormatFromEnv } from '../common/log-output.ts';
import { watchParent } from './tasks/parent-watch.ts';
import { ACTORS_LOAD_BALANCER, startLocalWorld } from './world.ts';
import { localWorldOptionsFromEnv } from './world-options-from-env.ts';

const options = localWorldOptionsFromEnv(process.env);
const { faultRate: rate, faultSeed: seed } = options;
// Readable on a terminal; LOG_FORMAT=json for JSON lines.
const logger = pino(
  { level: process.env.LOG_LEVEL ?? 'info', name: 'local' },
  await logDestination(logFormatFromEnv(process.env, 'local')),
);
const world = await startLocalWorld({ ...options, logger });

const env = world.env();
/** Single-quoted when the shell would change it (STACK_VALUES is JSON: quotes, braces, commas). */
const shellValue = (value: string) =>
  /^[\w./:@%+=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
const banner = [
  '',
  'ecs-gitops local world is up',
  `  actors (load balancer)  ${world.serviceUrl('actors')}   user ${world.actorsCredentials.user} / password ${world.actorsCredentials.password}`,
  `  SQS                     ${world.endpoints.sqs}   queue ${world.queueUrl}`,
  `  ECS                     ${world.endpoints.ecs}`,
  `  ECR                     ${world.endpoints.ecr}   (push: npm run local:push -- actors 1.1.0 [--broken])`,
  `  CloudFront              ${world.endpoints.cloudfront}`,
  ...(rate > 0 ? [`  fault injection         rate ${rate}, seed ${seed}`] : []),
  ...(options.actorsTargetGroups !== 1
    ? [
        `  actors target groups    ${ACTORS_LOAD_BALANCER.targetGroupArn}`,
        `                          ${ACTORS_LOAD_BALANCER.alternateTargetGroupArn} (alternate: blue/green, linear, canary)`,
        '                          test traffic: header x-test-traffic: 1',
      ]
    : []),
  `  traffic split           curl ${world.endpoints.ecs}/_local/traffic/actors`,
  `  set an alarm            curl -X PUT -d '{"state":"ALARM"}' ${world.endpoints.ecs}/_local/alarms/<name>`,
  '',
  'Run the deployer against it with:',
  ...Object.entries(env).map(([name, value]) => `  export ${name}=${shellValue(value)}`),
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
// Killed parent (kill -9 of npm): nothing is passed on, stop as if signalled.
watchParent(() => shutdown('parent process exited'));
