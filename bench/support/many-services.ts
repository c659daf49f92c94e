// Seeds a local world with N extra services (one ECR repository each, image 1.0.0, an ECS service
// with desiredCount 0 so no task processes run) and a config directory naming them all, so the real
// deployer process can be measured managing N services.
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { LocalWorld } from '../../local/world.ts';
import { writeConfigDir } from './deployer-process.ts';

export function manyServiceName(index: number): string {
  return `svc-${String(index).padStart(4, '0')}`;
}

/** Returns the config directory for the N services (actors not included). */
export async function seedManyServices(
  world: LocalWorld,
  count: number,
  options: { track?: string } = {},
): Promise<string> {
  const client = new ECSClient({
    region: 'us-east-1',
    endpoint: world.endpoints.ecs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // At 10,000 services the stand-in's keep-alive sockets reach their request limit many times over
    // (common/server-limits.ts); a request sent on one being closed fails with ECONNRESET, which the
    // SDK retries: more attempts than its default 3, so one unlucky run of resets does not end the bench.
    maxAttempts: 6,
  });
  try {
    const names = Array.from({ length: count }, (_, index) => manyServiceName(index + 1));
    const seedOne = async (name: string) => {
      const repository = world.registry.createRepository(name);
      const pushed = world.registry.push(name, '1.0.0');
      const registered = await client.send(
        new RegisterTaskDefinitionCommand({
          family: name,
          containerDefinitions: [{ name, image: `${repository.uri}@${pushed.digest}`, essential: true }],
        }),
      );
      await client.send(
        new CreateServiceCommand({
          cluster: 'gitops',
          serviceName: name,
          taskDefinition: registered.taskDefinition?.taskDefinitionArn,
          desiredCount: 0,
        }),
      );
    };
    for (let start = 0; start < names.length; start += 20)
      await Promise.all(names.slice(start, start + 20).map(seedOne));
    return await writeConfigDir(
      names.map((name) => ({ name, repository: name, ...(options.track ? { track: options.track } : {}) })),
    );
  } finally {
    client.destroy();
  }
}
