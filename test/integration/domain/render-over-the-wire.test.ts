// The whole trip of a task definition through the production ECS adapter and the real AWS SDK:
// DescribeTaskDefinition JSON (a fixture, served by a loopback server speaking JSON 1.1) → EcsAdapter
// → renderTaskDefinition → EcsAdapter.registerTaskDefinition → the RegisterTaskDefinition JSON the
// server receives. Proves that every field the fixture carries is one the SDK knows and keeps, that
// nothing the operator set is lost on the way, and that only image and DEPLOY_* values change.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_ENV } from '../../../common/contract.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import { revisionTags } from '../../../deployer/domain/revision-tags.ts';
import { READ_ONLY_FIELDS, renderTaskDefinition } from '../../../deployer/domain/task-definition.ts';
import type { ContainerDefinition } from '../../../deployer/domain/types.ts';

type Json = Record<string, unknown>;
const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/task-definitions/${name}.json`, import.meta.url), 'utf8'),
  ) as { taskDefinition: Json & { containerDefinitions: ContainerDefinition[] }; tags: Json[] };

/** On the JSON 1.1 wire, timestamps are epoch seconds. */
function onTheWire(described: ReturnType<typeof fixture>): Json {
  const td: Json = { ...described.taskDefinition };
  for (const field of ['registeredAt', 'deregisteredAt'])
    if (typeof td[field] === 'string') td[field] = Date.parse(td[field] as string) / 1000;
  return { taskDefinition: td, tags: described.tags };
}

let server: Server;
let client: ECSClient;
let served: Json = {};
const received: { target: string; body: Json }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      received.push({ target, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json });
      const answer = target.endsWith('.RegisterTaskDefinition')
        ? { taskDefinition: { taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/x:42' } }
        : served;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new ECSClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

const signal = new AbortController().signal;
const NEW = `sha256:${'2'.repeat(64)}`;

describe.each([
  ['fargate-web-with-sidecars', 'actors', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors'],
  ['fargate-first-deploy-by-tag', 'web', '123456789012.dkr.ecr.us-east-1.amazonaws.com/web-api'],
])('%s over the wire', (name, container, repositoryUri) => {
  it('registers every described input field, changing only the image and DEPLOY_* values', async () => {
    const described = fixture(name);
    served = onTheWire(described);
    received.length = 0;
    const ecs = new EcsAdapter(client);

    const live = await ecs.describeTaskDefinition('x', signal);
    const image = `${repositoryUri}@${NEW}`;
    const rendered = renderTaskDefinition(live.taskDefinition, {
      container,
      image,
      digest: NEW,
      configRevision: 'c0ffee',
    });
    if (!rendered.ok) throw rendered.error;
    const tags = revisionTags({ rolloutId: 'ro-1', configRevision: 'c0ffee', digest: NEW, service: 'svc' });
    await ecs.registerTaskDefinition(rendered.value, tags, signal);

    const register = received.find((r) => r.target.endsWith('.RegisterTaskDefinition'));
    expect(register).toBeDefined();
    const { tags: sentTags, ...sent } = register?.body ?? {};
    expect(sentTags).toEqual(Object.entries(tags).map(([key, value]) => ({ key, value })));

    // What should have been sent: the described revision minus read-only fields, with the one change.
    const expected = structuredClone(described.taskDefinition) as Json & {
      containerDefinitions: ContainerDefinition[];
    };
    for (const field of READ_ONLY_FIELDS) delete expected[field];
    const target = expected.containerDefinitions.find((c) => c.name === container) as ContainerDefinition;
    target.image = image;
    const values: Record<string, string> = {
      [DEPLOY_ENV.digest]: NEW,
      [DEPLOY_ENV.revision]: 'c0ffee',
      [DEPLOY_ENV.image]: image,
    };
    const kept = (target.environment ?? []).map((e) =>
      e.name !== undefined && e.name in values ? { name: e.name, value: values[e.name] } : e,
    );
    const present = new Set(kept.map((e) => e.name));
    target.environment = [
      ...kept,
      ...Object.entries(values)
        .filter(([n]) => !present.has(n))
        .map(([n, v]) => ({ name: n, value: v })),
    ];
    expect(sent).toEqual(expected);
  });
});
