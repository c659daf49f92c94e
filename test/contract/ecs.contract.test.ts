// EcsPort contract: what ECS guarantees about task definitions, tags and service deployments.
// API reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type LoadBalancer,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { SERVICE_PORT } from '../../common/contract.ts';
import { type AwsClients, createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../../deployer/adapters/aws/ecs-adapter.ts';
import { DeployerError } from '../../deployer/domain/errors.ts';
import { planDeploymentConfiguration } from '../../deployer/domain/rollout-strategy.ts';
import type { TaskDefinition } from '../../deployer/domain/types.ts';
import type { EcsPort } from '../../deployer/ports.ts';
import { ECHO_TASK_COMMAND, REPO_ROOT } from '../../local/task-commands.ts';
import { startLocalWorld } from '../../local/world.ts';
import { FakeClock, FakeEcs } from '../support/fakes/index.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { contract, eventually, type Subject, signal, unlessMotoLimit } from './worlds.ts';

interface NewService {
  cluster: string;
  service: string;
  family: string;
  /** Revision 1 of the family, which the service runs. */
  taskDefinitionArn: string;
}

interface EcsSubject extends Subject {
  ecs(options?: { listPageSize?: number }): EcsPort;
  /** The SDK client of an SDK world (stand-in, moto), for ECS calls no port method makes yet. */
  client?: ECSClient;
  /**
   * A fresh family (revision 1) and a service running it, made the way this world makes resources. Tests
   * about task definitions or lookups ask for `desiredCount: 0`: a stand-in task is a process of its own,
   * started and health-checked for the rest of the file, and those tests read no task.
   */
  newService(options?: { desiredCount?: number; loadBalancers?: LoadBalancer[] }): Promise<NewService>;
  /** Deregisters one revision (DeregisterTaskDefinition): it turns INACTIVE. */
  deregister(taskDefinitionArn: string): Promise<void>;
  /**
   * A service whose revision 2 has stopped tasks, made the way this world can: the stand-in runs an
   * image whose process exits with code 3, moto stops a task it ran (StopTask: moto runs no service
   * tasks), the fake fails the deployment. Resolves once ECS lists a stopped task of revision 2.
   */
  crashedRevision(): Promise<NewService & { crashed: string; expectedReason: RegExp; exitCode?: number }>;
}

const CLUSTER = 'contract';
type AwsNetwork = { subnetId: string; securityGroupId: string };
const IMAGE = 'actors:1.0.0';
/** A container that writes to stderr and exits with code 3 before it is healthy. */
const CRASHING_TASK_COMMAND = {
  command: [process.execPath, '-e', 'console.error("boom: no DATABASE_URL"); process.exit(3)'],
  cwd: REPO_ROOT,
};
const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };
let families = 0;
const nextName = () => `contract-${++families}`;

function fargateDefinition(family: string): TaskDefinition {
  return {
    family,
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: [
      {
        name: 'app',
        image: IMAGE,
        essential: true,
        portMappings: [{ containerPort: SERVICE_PORT, protocol: 'tcp' }],
      },
    ],
  };
}

type Crash = (client: ECSClient, network: AwsNetwork) => ReturnType<EcsSubject['crashedRevision']>;

function sdkWorld(
  endpoint: string,
  network: AwsNetwork,
  stopServer: () => Promise<void>,
  crash: Crash,
  keys: { accessKeyId: string; secretAccessKey: string } = credentials,
): EcsSubject {
  const clients: AwsClients = createAwsClients({
    maxAttempts: 1,
    credentials: keys,
    endpoints: { ecs: endpoint },
  });
  return {
    client: clients.ecs,
    ecs: (options) => new EcsAdapter(clients.ecs, options),
    newService: (options) =>
      createService(
        clients.ecs,
        network,
        options?.desiredCount ?? 1,
        fargateDefinition,
        options?.loadBalancers,
      ),
    crashedRevision: () => crash(clients.ecs, network),
    deregister: async (arn) => {
      await clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    },
    stop: async () => {
      clients.destroy();
      await stopServer();
    },
  };
}

async function createService(
  client: ECSClient,
  network: AwsNetwork,
  desiredCount = 1,
  definition: (family: string) => TaskDefinition = fargateDefinition,
  loadBalancers?: LoadBalancer[],
): Promise<NewService> {
  const name = nextName();
  await client.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const registered = await client.send(
    new RegisterTaskDefinitionCommand(
      definition(name) as ConstructorParameters<typeof RegisterTaskDefinitionCommand>[0],
    ),
  );
  const arn = registered.taskDefinition?.taskDefinitionArn ?? '';
  await client.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition: arn,
      desiredCount,
      ...(loadBalancers ? { loadBalancers } : {}),
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [network.subnetId],
          securityGroups: [network.securityGroupId],
          assignPublicIp: 'DISABLED',
        },
      },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
  return { cluster: CLUSTER, service: name, family: name, taskDefinitionArn: arn };
}

/** The stand-in: revision 2 plays the `crashing` repository, whose process exits with code 3. */
const standInCrash: Crash = async (client, network) => {
  const created = await createService(client, network);
  const adapter = new EcsAdapter(client);
  const { taskDefinition } = await adapter.describeTaskDefinition(created.taskDefinitionArn, signal);
  const crashed = await adapter.registerTaskDefinition(
    {
      ...taskDefinition,
      containerDefinitions: taskDefinition.containerDefinitions.map((c) => ({ ...c, image: 'crashing:1' })),
    },
    {},
    signal,
  );
  await adapter.updateService(created.cluster, created.service, crashed, signal);
  await eventually(
    'a task of the crashing revision stopped',
    () => adapter.stoppedTasks(created.cluster, created.service, crashed, signal),
    (tasks) => tasks.some((task) => task.containers.some((c) => c.exitCode === 3)),
    30_000,
  );
  return { ...created, crashed, expectedReason: /^Essential container in task exited$/, exitCode: 3 };
};

/**
 * moto starts no tasks for a service: run one of revision 2 as its deployment would (startedBy the
 * deployment id), and stop it. moto's RunTask needs a container-level memory (moto-limits.ts).
 */
const motoCrash: Crash = async (client, network) => {
  const created = await createService(client, network);
  const adapter = new EcsAdapter(client);
  const { taskDefinition } = await adapter.describeTaskDefinition(created.taskDefinitionArn, signal);
  const crashed = await adapter.registerTaskDefinition(
    {
      ...taskDefinition,
      containerDefinitions: taskDefinition.containerDefinitions.map((c) => ({ ...c, memory: 512 })),
    },
    {},
    signal,
  );
  const run = await client.send(
    new RunTaskCommand({
      cluster: created.cluster,
      taskDefinition: crashed,
      launchType: 'FARGATE',
      startedBy: 'ecs-svc/1234567890123456789',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] },
      },
    }),
  );
  const task = run.tasks?.[0]?.taskArn ?? '';
  await client.send(
    new StopTaskCommand({ cluster: created.cluster, task, reason: 'Essential container in task exited' }),
  );
  return { ...created, crashed, expectedReason: /^Essential container in task exited$/ };
};

function fakeWorld(): EcsSubject {
  const ecs = new FakeEcs(new FakeClock());
  return {
    ecs: () => ecs,
    crashedRevision: async () => {
      const name = nextName();
      const arn = ecs.seed({ cluster: CLUSTER, service: name, container: 'app', image: IMAGE });
      const { taskDefinition } = await ecs.describeTaskDefinition(arn, signal);
      const crashed = await ecs.registerTaskDefinition(taskDefinition, {}, signal);
      ecs.behaviour = (candidate) => (candidate === crashed ? 'fail' : 'complete');
      await ecs.updateService(CLUSTER, name, crashed, signal);
      while (
        (await ecs.describeService(CLUSTER, name, signal)).deployments[0]?.rolloutState === 'IN_PROGRESS'
      );
      const created = { cluster: CLUSTER, service: name, family: name, taskDefinitionArn: arn };
      return { ...created, crashed, expectedReason: /^Essential container in task exited$/, exitCode: 1 };
    },
    newService: async () => {
      const name = nextName();
      const arn = ecs.seed({ cluster: CLUSTER, service: name, container: 'app', image: IMAGE });
      return { cluster: CLUSTER, service: name, family: name, taskDefinitionArn: arn };
    },
    deregister: async (arn) => {
      const found = ecs.revisions.get(arn);
      if (found) found.taskDefinition.status = 'INACTIVE';
    },
    stop: async () => {},
  };
}

/** `arn:...:task-definition/family:7` → 7 */
const revisionOf = (arn: string) => Number(arn.slice(arn.lastIndexOf(':') + 1));

contract<EcsSubject>(
  'EcsPort',
  {
    fake: async () => fakeWorld(),
    standin: async () => {
      const world = await startLocalWorld({
        logger: pino({ level: 'silent' }),
        seed: false,
        taskCommands: { actors: ECHO_TASK_COMMAND, crashing: CRASHING_TASK_COMMAND },
        timing: { tickMs: 50, healthPollMs: 50, stopGraceMs: 500 },
      });
      return sdkWorld(
        world.endpoints.ecs,
        { subnetId: 'subnet-local', securityGroupId: 'sg-local' },
        () => world.stop(),
        standInCrash,
      );
    },
    moto: async () => {
      const moto = await motoAccount();
      const network = await moto.defaultNetwork();
      return sdkWorld(moto.endpoint, network, () => moto.stop(), motoCrash, moto.credentials);
    },
  },
  (subject, world) => {
    // "Each time you register a task definition in the same family, the revision value always increases
    // by one" (API_RegisterTaskDefinition.html, API_TaskDefinition.html revision); DescribeTaskDefinition
    // with include TAGS returns the tags given at registration (API_DescribeTaskDefinition.html).
    it('registerTaskDefinition adds the next revision, described back with its containers and tags', async () => {
      const { family, taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
      const ecs = subject().ecs();
      const current = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
      const next: TaskDefinition = {
        ...current.taskDefinition,
        containerDefinitions: current.taskDefinition.containerDefinitions.map((c) => ({
          ...c,
          image: 'actors:1.1.0',
        })),
      };
      const tags = { 'ecs-gitops:rollout': 'r-1', 'ecs-gitops:digest': `sha256:${'b'.repeat(64)}` };
      const arn = await ecs.registerTaskDefinition(next, tags, signal);
      expect(revisionOf(arn)).toBe(revisionOf(taskDefinitionArn) + 1);
      const described = await ecs.describeTaskDefinition(arn, signal);
      expect(described.tags).toEqual(tags);
      expect(described.taskDefinition).toMatchObject({ family, revision: revisionOf(arn), status: 'ACTIVE' });
      expect(described.taskDefinition.containerDefinitions.map((c) => [c.name, c.image])).toEqual([
        ['app', 'actors:1.1.0'],
      ]);
    });

    // DescribeServices takes "up to 10 services to describe in a single operation"; a service that does
    // not exist is a `failures` entry (reason MISSING) of a successful answer
    // (API_DescribeServices.html, services and failures). The stand-in refuses 11 at once, as AWS does.
    it('describeServices answers 12 services and one missing, asking 10 at a time', async () => {
      const created = [];
      for (let i = 0; i < 12; i++) created.push(await subject().newService({ desiredCount: 0 }));
      const names = [...created.map((c) => c.service), 'contract-not-there'];
      const { found, missing } = await subject().ecs().describeServices(CLUSTER, names, signal);
      expect(found.map((s) => [s.service, s.taskDefinitionArn])).toEqual(
        created.map((c) => [c.service, c.taskDefinitionArn]),
      );
      expect(missing).toEqual([{ service: 'contract-not-there', reason: 'MISSING' }]);
    });

    // "The family for the latest ACTIVE revision, family and revision (family:revision) for a specific
    // revision in the family, or full ARN" (API_DescribeTaskDefinition.html, taskDefinition).
    it('describeTaskDefinition resolves a family to its newest ACTIVE revision and family:n to revision n', async () => {
      const { family, taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
      const ecs = subject().ecs();
      const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
      const second = await ecs.registerTaskDefinition(taskDefinition, {}, signal);
      expect((await ecs.describeTaskDefinition(family, signal)).taskDefinition.taskDefinitionArn).toBe(
        second,
      );
      expect((await ecs.describeTaskDefinition(`${family}:1`, signal)).taskDefinition.taskDefinitionArn).toBe(
        taskDefinitionArn,
      );
    });

    // "The family for the latest ACTIVE revision" (API_DescribeTaskDefinition.html): a deregistered
    // (INACTIVE) newest revision is passed over.
    unlessMotoLimit(world, 'ecs-describe-family-includes-inactive')(
      'describeTaskDefinition(family) passes over a deregistered newest revision',
      async () => {
        const { family, taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
        const ecs = subject().ecs();
        const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
        const second = await ecs.registerTaskDefinition(taskDefinition, {}, signal);
        await subject().deregister(second);
        expect((await ecs.describeTaskDefinition(family, signal)).taskDefinition.taskDefinitionArn).toBe(
          taskDefinitionArn,
        );
      },
    );

    // A described task definition carries output-only fields (taskDefinitionArn, revision, status,
    // requiresAttributes, compatibilities, registeredAt, registeredBy) that RegisterTaskDefinition does not
    // take (its request parameters, API_RegisterTaskDefinition.html): re-registering must not carry them.
    it('a described revision registers again as a new revision, its read-only fields set by ECS', async () => {
      const { taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
      const ecs = subject().ecs();
      const described = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
      const again = await ecs.registerTaskDefinition(described.taskDefinition, {}, signal);
      const redescribed = await ecs.describeTaskDefinition(again, signal);
      expect(redescribed.taskDefinition.taskDefinitionArn).toBe(again);
      expect(redescribed.taskDefinition.revision).toBe(revisionOf(again));
      expect(redescribed.taskDefinition.containerDefinitions).toEqual(
        described.taskDefinition.containerDefinitions,
      );
    });

    // "familyPrefix: the full family name [...] limits the listed task definitions to task definition
    // revisions that belong to that family"; status ACTIVE leaves out deregistered (INACTIVE) revisions
    // (API_ListTaskDefinitions.html).
    it('listTaskDefinitions lists every ACTIVE revision of exactly that family', async () => {
      const { family, taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
      const other = await subject().newService({ desiredCount: 0 });
      const ecs = subject().ecs({ listPageSize: 1 });
      const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
      const second = await ecs.registerTaskDefinition(taskDefinition, {}, signal);
      const third = await ecs.registerTaskDefinition(taskDefinition, {}, signal);
      await subject().deregister(second);
      const listed = await ecs.listTaskDefinitions(family, signal);
      expect([...listed].sort()).toEqual([taskDefinitionArn, third].sort());
      expect(listed).not.toContain(other.taskDefinitionArn);
    });

    // "sort: DESC" lists revisions newest first; maxResults 1..100 pages with nextToken until null
    // (API_ListTaskDefinitions.html). Page size 1 makes every revision its own page.
    unlessMotoLimit(world, 'ecs-list-task-definitions-ignores-sort-and-page-size')(
      'listTaskDefinitions answers newest first across pages of one revision',
      async () => {
        const { family, taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
        const ecs = subject().ecs({ listPageSize: 1 });
        const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
        const registered = [taskDefinitionArn];
        for (let i = 0; i < 3; i++)
          registered.push(await ecs.registerTaskDefinition(taskDefinition, {}, signal));
        expect(await ecs.listTaskDefinitions(family, signal)).toEqual([...registered].reverse());
      },
    );

    // TagResource: "If existing tags on a resource aren't specified in the request parameters, they aren't
    // changed"; a key given again takes the new value (API_TagResource.html).
    it('tagResource adds tags and overwrites a key given again, leaving the others', async () => {
      const { taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
      const ecs = subject().ecs();
      const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
      const arn = await ecs.registerTaskDefinition(
        taskDefinition,
        { keep: 'yes', result: 'pending' },
        signal,
      );
      await ecs.tagResource(arn, { result: 'succeeded', verifiedAt: '2026-01-01T00:00:00Z' }, signal);
      expect((await ecs.describeTaskDefinition(arn, signal)).tags).toEqual({
        keep: 'yes',
        result: 'succeeded',
        verifiedAt: '2026-01-01T00:00:00Z',
      });
    });

    // "If your updated Amazon ECS service uses the rolling update (ECS) deployment type and the task
    // definition changes, Amazon ECS starts a new deployment"; the deployment that runs the newest task
    // definition is PRIMARY and reports rolloutState IN_PROGRESS → COMPLETED (API_UpdateService.html,
    // API_Deployment.html).
    unlessMotoLimit(world, 'ecs-update-service-starts-no-deployment')(
      'updateService starts a PRIMARY deployment of the new revision that completes',
      async () => {
        const { cluster, service, taskDefinitionArn } = await subject().newService();
        const ecs = subject().ecs();
        const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
        const next = await ecs.registerTaskDefinition(taskDefinition, {}, signal);
        const answer = await ecs.updateService(cluster, service, next, signal);
        // The answer already shows the new deployment: the rollout's first look (rollout/update.ts).
        expect(answer?.deployments.find((d) => d.status === 'PRIMARY')).toMatchObject({
          taskDefinitionArn: next,
          rolloutState: 'IN_PROGRESS',
        });
        const started = await ecs.describeService(cluster, service, signal);
        expect(started.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn).toBe(next);
        expect(started.taskDefinitionArn).toBe(next);
        const done = await eventually(
          'the new deployment completes',
          () => ecs.describeService(cluster, service, signal),
          (live) => live.deployments.find((d) => d.status === 'PRIMARY')?.rolloutState === 'COMPLETED',
          30_000,
        );
        expect(done.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn).toBe(next);
      },
    );

    // UpdateService answers with "The full description of your service following the update call"
    // (API_UpdateService.html, Response Elements): the service a DescribeServices right after shows, in
    // every world (moto included: its deployments are its own, see ecs-update-service-starts-no-deployment).
    it('updateService answers the service after the update, its PRIMARY deployment as described next', async () => {
      const { cluster, service, taskDefinitionArn } = await subject().newService();
      const ecs = subject().ecs();
      const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
      const next = await ecs.registerTaskDefinition(taskDefinition, {}, signal);
      const answer = await ecs.updateService(cluster, service, next, signal);
      const described = await ecs.describeService(cluster, service, signal);
      const primary = (live: typeof answer) => {
        const found = live?.deployments.find((d) => d.status === 'PRIMARY');
        return found && { id: found.id, taskDefinitionArn: found.taskDefinitionArn };
      };
      expect(answer).toMatchObject({ cluster, service, status: 'ACTIVE' });
      expect(primary(answer)).toBeDefined();
      expect(primary(answer)).toEqual(primary(described));
    });

    // updateService records the requested revision on the service in every world (moto included).
    it('updateService to an unregistered revision fails with a terminal error', async () => {
      const { cluster, service, family } = await subject().newService({ desiredCount: 0 });
      const error = await subject()
        .ecs()
        .updateService(
          cluster,
          service,
          `arn:aws:ecs:us-east-1:000000000000:task-definition/${family}:99`,
          signal,
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployerError);
      expect((error as DeployerError).retryable).toBe(false);
    });

    // DescribeServices reports a missing service in `failures` (reason MISSING) and a missing cluster as
    // ClusterNotFoundException (API_DescribeServices.html, Errors): both need a config change.
    it.each([
      { what: 'service', cluster: CLUSTER, service: 'no-such-service' },
      { what: 'cluster', cluster: 'no-such-cluster', service: 'no-such-service' },
    ])(
      'describeService of a missing $what fails with terminal SERVICE_NOT_FOUND',
      async ({ cluster, service }) => {
        await subject().newService({ desiredCount: 0 });
        const error = await subject()
          .ecs()
          .describeService(cluster, service, signal)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DeployerError);
        expect((error as DeployerError).code).toBe('SERVICE_NOT_FOUND');
        expect((error as DeployerError).retryable).toBe(false);
      },
    );

    // ListTasks(serviceName, desiredStatus STOPPED) lists stopped tasks "for at least one hour"; DescribeTasks
    // gives each one's stoppedReason ("Essential container in task exited") and its containers' exitCode
    // (API_ListTasks.html, API_Task.html, API_Container.html). Only the revision's own tasks come back.
    it('stoppedTasks reports the stopped tasks of one revision with their stop reason and exit code', async () => {
      const { cluster, service, crashed, taskDefinitionArn, expectedReason, exitCode } =
        await subject().crashedRevision();
      const ecs = subject().ecs();
      const stopped = await ecs.stoppedTasks(cluster, service, crashed, signal);
      expect(stopped.length).toBeGreaterThan(0);
      for (const task of stopped) {
        expect(task.taskDefinitionArn).toBe(crashed);
        expect(task.taskArn).toMatch(/^arn:aws:ecs:[^:]+:\d{12}:task\//);
      }
      expect(stopped.map((task) => task.stoppedReason)).toContainEqual(expect.stringMatching(expectedReason));
      if (exitCode !== undefined)
        expect(stopped.flatMap((task) => task.containers.map((c) => c.exitCode))).toContain(exitCode);
      expect(await ecs.stoppedTasks(cluster, service, taskDefinitionArn, signal)).toEqual([]);
    });

    // DescribeTaskDefinition of an unknown revision: ClientException (API_DescribeTaskDefinition.html).
    it('describeTaskDefinition of an unknown revision fails with a terminal error', async () => {
      const error = await subject()
        .ecs()
        .describeTaskDefinition('no-such-family:1', signal)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployerError);
      expect((error as DeployerError).retryable).toBe(false);
    });

    // BLUE_GREEN, LINEAR and CANARY: "deploymentConfiguration [...] strategy", canaryConfiguration
    // {canaryPercent, canaryBakeTimeInMinutes} (API_DeploymentConfiguration.html, API_CanaryConfiguration.html)
    // on a service whose load balancer has an advancedConfiguration (API_AdvancedConfiguration.html).
    // UpdateService keeps what it is given, and DescribeServices answers it, in every SDK world.
    const sdkOnly = world === 'fake' ? it.skip : it;
    const trafficShiftLoadBalancer: LoadBalancer = {
      targetGroupArn:
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/contract-blue/1111111111111111',
      containerName: 'app',
      containerPort: SERVICE_PORT,
      advancedConfiguration: {
        alternateTargetGroupArn:
          'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/contract-green/2222222222222222',
        productionListenerRule:
          'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/contract/3333333333333333/4444444444444444/5555555555555555',
        roleArn: 'arn:aws:iam::123456789012:role/contract-ecs-infrastructure',
      },
    };
    sdkOnly(
      'updateService with a CANARY deploymentConfiguration is described back with its canary step',
      async () => {
        const client = subject().client as ECSClient;
        const { cluster, service } = await subject().newService({
          desiredCount: 0,
          loadBalancers: [trafficShiftLoadBalancer],
        });
        await client.send(
          new UpdateServiceCommand({
            cluster,
            service,
            deploymentConfiguration: {
              strategy: 'CANARY',
              canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
              bakeTimeInMinutes: 2,
            },
          }),
        );
        const described = (await client.send(new DescribeServicesCommand({ cluster, services: [service] })))
          .services?.[0];
        expect(described?.deploymentConfiguration).toMatchObject({
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
          bakeTimeInMinutes: 2,
        });
        expect(described?.loadBalancers?.[0]?.advancedConfiguration).toEqual(
          trafficShiftLoadBalancer.advancedConfiguration,
        );
      },
    );

    // "canaryPercent: Valid values are multiples of 0.1 from 0.1 to 100.0" (API_CanaryConfiguration.html).
    (world === 'fake' ? it.skip : unlessMotoLimit(world, 'ecs-deployment-strategy-unchecked'))(
      'updateService refuses a canaryPercent outside 0.1..100.0 with InvalidParameterException',
      async () => {
        const client = subject().client as ECSClient;
        const { cluster, service } = await subject().newService({
          desiredCount: 0,
          loadBalancers: [trafficShiftLoadBalancer],
        });
        const error = await client
          .send(
            new UpdateServiceCommand({
              cluster,
              service,
              deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 150 } },
            }),
          )
          .catch((e: unknown) => e);
        expect((error as Error).name).toBe('InvalidParameterException');
      },
    );

    // A service deployment per deployment, newest first, its target the revision being deployed
    // (API_ListServiceDeployments.html, API_ServiceDeploymentBrief.html).
    (world === 'fake' ? it.skip : unlessMotoLimit(world, 'ecs-service-deployments-not-implemented'))(
      'listServiceDeployments answers the deployment a new revision started, newest first',
      async () => {
        const client = subject().client as ECSClient;
        const { cluster, service, taskDefinitionArn } = await subject().newService({ desiredCount: 0 });
        const ecs = subject().ecs();
        const { taskDefinition } = await ecs.describeTaskDefinition(taskDefinitionArn, signal);
        await ecs.updateService(
          cluster,
          service,
          await ecs.registerTaskDefinition(taskDefinition, {}, signal),
          signal,
        );
        const listed = await client.send(new ListServiceDeploymentsCommand({ cluster, service }));
        expect(listed.serviceDeployments?.length).toBe(2);
        const [newest, first] = listed.serviceDeployments ?? [];
        expect(newest?.targetServiceRevisionArn).not.toBe(first?.targetServiceRevisionArn);
        expect(newest?.serviceDeploymentArn).toMatch(/^arn:aws:ecs:[^:]+:\d{12}:service-deployment\//);
        expect((newest?.createdAt?.getTime() ?? 0) >= (first?.createdAt?.getTime() ?? 0)).toBe(true);
      },
    );

    // The deployer's side of the same fields: describeService reads the alternate target group and the
    // configuration, and the planned CANARY configuration sent through updateService comes back.
    sdkOnly(
      'describeService reads the alternate target group; a planned CANARY configuration round-trips',
      async () => {
        const { cluster, service, taskDefinitionArn } = await subject().newService({
          desiredCount: 0,
          loadBalancers: [trafficShiftLoadBalancer],
        });
        const ecs = subject().ecs();
        const live = await ecs.describeService(cluster, service, signal);
        expect(live.deploymentSettings?.loadBalancers).toEqual([
          {
            targetGroupArn: trafficShiftLoadBalancer.targetGroupArn,
            alternateTargetGroupArn: trafficShiftLoadBalancer.advancedConfiguration?.alternateTargetGroupArn,
          },
        ]);
        const plan = planDeploymentConfiguration(
          { strategy: 'canary', canary: { percent: 10, bakeMinutes: 3 }, bakeMinutes: 1 },
          true,
          live.deploymentSettings,
        );
        if (!plan.ok) throw new Error(plan.message);
        await ecs.updateService(cluster, service, taskDefinitionArn, signal, {
          deploymentConfiguration: plan.configuration,
        });
        const after = await ecs.describeService(cluster, service, signal);
        expect(after.deploymentSettings?.configuration).toMatchObject({
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
          bakeTimeInMinutes: 1,
        });
      },
    );
  },
);
