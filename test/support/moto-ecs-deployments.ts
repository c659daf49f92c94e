// moto's UpdateService records the new task definition but starts no deployment (test/contract/
// moto-limits.ts), so a deployer waiting for its rollout would wait forever. This proxy sits between the
// deployer and moto's ECS API and plays the part of ECS's deployment scheduler, driven by the test:
// UpdateService to a new revision starts an IN_PROGRESS PRIMARY deployment in DescribeServices answers,
// and `complete(service)` turns it COMPLETED, as ECS does when the new tasks are healthy
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html). Everything else is
// passed to moto unchanged.
import { createServer, type Server } from 'node:http';
import { close, listen, readBody } from '../../local/http-util.ts';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

interface DrivenDeployment {
  id: string;
  taskDefinition: string;
  createdAt: number;
  completed: boolean;
}

export interface EcsDeploymentDriver {
  /** Point AWS_ENDPOINT_URL_ECS here. */
  endpoint: string;
  /** Every UpdateService call seen: service name and the task definition asked for. */
  updates: { service: string; taskDefinition: string }[];
  /** Every ECS operation seen, in order (e.g. `RegisterTaskDefinition`). */
  operations: string[];
  /** The new tasks of `service`'s newest deployment are healthy: its rollout completes. */
  complete(service: string): void;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startEcsDeploymentDriver(motoEndpoint: string): Promise<EcsDeploymentDriver> {
  const deployments = new Map<string, DrivenDeployment>();
  const updates: EcsDeploymentDriver['updates'] = [];
  const operations: string[] = [];
  let next = 0;

  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      operations.push(operation);
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers))
        if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
      const answer = await fetch(`${motoEndpoint}${request.url ?? '/'}`, {
        method: request.method,
        headers,
        body,
      });
      let text = await answer.text();
      if (answer.ok && operation === 'UpdateService') {
        const input = JSON.parse(body) as { service: string; taskDefinition?: string };
        const service = input.service.slice(input.service.lastIndexOf('/') + 1);
        const arn = ((JSON.parse(text) as { service?: Json }).service?.taskDefinition as string) ?? '';
        updates.push({ service, taskDefinition: arn });
        if (input.taskDefinition && deployments.get(service)?.taskDefinition !== arn) {
          next += 1;
          deployments.set(service, {
            id: `ecs-svc/driven-${next}`,
            taskDefinition: arn,
            createdAt: Date.now() / 1000,
            completed: false,
          });
        }
      }
      if (answer.ok && operation === 'DescribeServices')
        text = JSON.stringify(withDrivenDeployments(JSON.parse(text) as Json, deployments));
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.1',
      });
      response.end(text);
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ServerException', message: String(error) }));
    });
  });
  const port = await listen(server, 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    updates,
    operations,
    complete(service) {
      const deployment = deployments.get(service);
      if (!deployment)
        throw new Error(`no deployment of ${service} to complete: UpdateService was not called`);
      deployment.completed = true;
    },
    stop: () => close(server),
  };
}

/** Rewrites each service's deployments the way ECS shows a rolling update of the driven revision. */
function withDrivenDeployments(output: Json, deployments: Map<string, DrivenDeployment>): Json {
  const services = (output.services as Json[] | undefined) ?? [];
  for (const service of services) {
    const driven = deployments.get(String(service.serviceName));
    if (!driven) continue;
    const previous = ((service.deployments as Json[] | undefined) ?? []).find((d) => d.status === 'PRIMARY');
    const desired = Number(service.desiredCount ?? 1);
    const primary: Json = {
      ...previous,
      id: driven.id,
      status: 'PRIMARY',
      taskDefinition: driven.taskDefinition,
      desiredCount: desired,
      runningCount: driven.completed ? desired : 0,
      pendingCount: driven.completed ? 0 : desired,
      failedTasks: 0,
      createdAt: driven.createdAt,
      updatedAt: Date.now() / 1000,
      rolloutState: driven.completed ? 'COMPLETED' : 'IN_PROGRESS',
      rolloutStateReason: driven.completed
        ? `ECS deployment ${driven.id} completed.`
        : `ECS deployment ${driven.id} in progress.`,
    };
    const draining = previous && previous.taskDefinition !== driven.taskDefinition && !driven.completed;
    service.deployments = draining ? [primary, { ...previous, status: 'ACTIVE' }] : [primary];
    service.taskDefinition = driven.taskDefinition;
  }
  return output;
}
