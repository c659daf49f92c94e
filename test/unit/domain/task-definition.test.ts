import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEPLOY_ENV } from '../../../common/contract.ts';
import {
  liveImageOf,
  READ_ONLY_FIELDS,
  type RenderInput,
  renderTaskDefinition,
} from '../../../deployer/domain/task-definition.ts';
import type { ContainerDefinition, TaskDefinition } from '../../../deployer/domain/types.ts';

/** A DescribeTaskDefinition answer (include: TAGS) as JSON, with tags as the EcsPort returns them. */
function described(name: string): { taskDefinition: TaskDefinition; tags: Record<string, string> } {
  const raw = JSON.parse(
    readFileSync(new URL(`../../fixtures/task-definitions/${name}.json`, import.meta.url), 'utf8'),
  ) as { taskDefinition: TaskDefinition; tags: { key: string; value: string }[] };
  return {
    taskDefinition: raw.taskDefinition,
    tags: Object.fromEntries(raw.tags.map((t) => [t.key, t.value])),
  };
}

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors';
const OLD = `sha256:${'1'.repeat(64)}`;
const NEW = `sha256:${'2'.repeat(64)}`;
const OLD_REVISION = '0e8b2b7a1c2f8e1d4f59a0c3b6d7e8f9a0b1c2d3';
const input = (over: Partial<RenderInput> = {}): RenderInput => ({
  container: 'actors',
  image: `${REPO}@${NEW}`,
  digest: NEW,
  configRevision: 'c0ffee0000000000000000000000000000000001',
  ...over,
});

function render(td: TaskDefinition, i: RenderInput): TaskDefinition {
  const result = renderTaskDefinition(td, i);
  if (!result.ok) throw new Error(`expected a task definition, got ${result.error.message}`);
  return result.value;
}

function renderError(td: TaskDefinition, i: RenderInput) {
  const result = renderTaskDefinition(td, i);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const container = (td: TaskDefinition, name: string) =>
  td.containerDefinitions.find((c) => c.name === name) as ContainerDefinition;
const withoutReadOnly = (td: TaskDefinition) =>
  Object.fromEntries(
    Object.entries(td).filter(([k]) => !(READ_ONLY_FIELDS as readonly string[]).includes(k)),
  );

describe('renderTaskDefinition on a Fargate task with sidecars, secrets, EFS and FireLens', () => {
  const { taskDefinition: td } = described('fargate-web-with-sidecars');
  const rendered = render(td, input());

  it('drops exactly the read-only fields', () => {
    for (const field of READ_ONLY_FIELDS) expect(rendered).not.toHaveProperty(field);
    expect(Object.keys(rendered).sort()).toEqual(Object.keys(withoutReadOnly(td)).sort());
  });

  it('keeps every other top-level field as described', () => {
    const { containerDefinitions: _a, ...restRendered } = rendered;
    const { containerDefinitions: _b, ...restDescribed } = withoutReadOnly(td);
    expect(restRendered).toEqual(restDescribed);
    expect(rendered.volumes).toEqual(td.volumes);
    expect(rendered.runtimePlatform).toEqual({ cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' });
  });

  it('keeps the other containers byte for byte, in order', () => {
    expect(rendered.containerDefinitions.map((c) => c.name)).toEqual(['log_router', 'actors', 'xray-daemon']);
    expect(JSON.stringify(container(rendered, 'log_router'))).toBe(
      JSON.stringify(container(td, 'log_router')),
    );
    expect(JSON.stringify(container(rendered, 'xray-daemon'))).toBe(
      JSON.stringify(container(td, 'xray-daemon')),
    );
  });

  it('changes only image and environment of the configured container', () => {
    const { image, environment, ...rest } = container(rendered, 'actors');
    const { image: _i, environment: _e, ...restDescribed } = container(td, 'actors');
    expect(rest).toEqual(restDescribed);
    expect(image).toBe(`${REPO}@${NEW}`);
    expect(rest.secrets).toHaveLength(2);
    expect(rest.healthCheck).toEqual(container(td, 'actors').healthCheck);
  });

  it('replaces the deploy values in place, keeping the order of the environment', () => {
    expect(container(rendered, 'actors').environment).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: DEPLOY_ENV.digest, value: NEW },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: DEPLOY_ENV.revision, value: 'c0ffee0000000000000000000000000000000001' },
      { name: DEPLOY_ENV.image, value: `${REPO}@${NEW}` },
    ]);
  });

  it('does not mutate or share structure with its input', () => {
    const before = structuredClone(td);
    const again = render(td, input());
    expect(td).toEqual(before);
    (container(again, 'xray-daemon').environment as { value?: string }[])[0]!.value = 'changed';
    (again.volumes as unknown[]).push('changed');
    expect(td).toEqual(before);
  });

  it('round-trips: rendering the old digest back gives the described revision minus read-only fields', () => {
    const back = render(
      rendered,
      input({ image: `${REPO}@${OLD}`, digest: OLD, configRevision: OLD_REVISION }),
    );
    expect(back).toEqual(withoutReadOnly(td));
  });

  it('is idempotent', () => {
    expect(render(rendered, input())).toEqual(rendered);
  });

  it('is plain JSON (what RegisterTaskDefinition gets)', () => {
    expect(JSON.parse(JSON.stringify(rendered))).toEqual(rendered);
  });
});

describe('renderTaskDefinition on a task deployed by tag, with an App Mesh proxy', () => {
  const { taskDefinition: td } = described('fargate-first-deploy-by-tag');
  const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web-api@${NEW}`;
  const rendered = render(td, input({ container: 'web', image }));

  it('adds the environment the container did not have, in a fixed order', () => {
    expect(container(rendered, 'web').environment).toEqual([
      { name: DEPLOY_ENV.digest, value: NEW },
      { name: DEPLOY_ENV.revision, value: 'c0ffee0000000000000000000000000000000001' },
      { name: DEPLOY_ENV.image, value: image },
    ]);
    expect(container(rendered, 'web').image).toBe(image);
  });

  it('keeps the proxy configuration and the envoy sidecar', () => {
    expect(rendered.proxyConfiguration).toEqual(td.proxyConfiguration);
    expect(container(rendered, 'envoy')).toEqual(container(td, 'envoy'));
    expect(rendered).not.toHaveProperty('deregisteredAt');
  });
});

describe('renderTaskDefinition environment edge cases', () => {
  const base = (environment: unknown): TaskDefinition => ({
    family: 'x',
    containerDefinitions: [{ name: 'actors', image: 'actors:1', environment } as ContainerDefinition],
  });
  const envOf = (td: TaskDefinition) => render(td, input()).containerDefinitions[0]?.environment;

  it('collapses duplicate deploy entries into the first one', () => {
    expect(
      envOf(
        base([
          { name: DEPLOY_ENV.digest, value: 'a' },
          { name: 'KEEP', value: '1' },
          { name: DEPLOY_ENV.digest, value: 'b' },
        ]),
      ),
    ).toEqual([
      { name: DEPLOY_ENV.digest, value: NEW },
      { name: 'KEEP', value: '1' },
      { name: DEPLOY_ENV.revision, value: 'c0ffee0000000000000000000000000000000001' },
      { name: DEPLOY_ENV.image, value: `${REPO}@${NEW}` },
    ]);
  });

  it('keeps entries it does not own, even odd ones', () => {
    const odd = [{ value: 'no name' }, { name: 'EMPTY' }];
    expect(envOf(base(odd))?.slice(0, 2)).toEqual(odd);
  });

  it.each([[undefined], [null], [[]]])('starts from an empty environment for %j', (env) => {
    expect(envOf(base(env))).toHaveLength(3);
  });
});

describe('renderTaskDefinition errors', () => {
  const { taskDefinition: td } = described('fargate-web-with-sidecars');

  it('returns TASK_DEFINITION_INVALID naming the containers when the container is missing', () => {
    const error = renderError(td, input({ container: 'app' }));
    expect(error.code).toBe('TASK_DEFINITION_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'task definition actors has no container "app" (it has: log_router, actors, xray-daemon); ' +
        'fix `container` in the service config',
    );
  });

  it('returns TASK_DEFINITION_INVALID when the deploy values are taken from secrets', () => {
    const clashing = structuredClone(td);
    container(clashing, 'actors').secrets = [{ name: DEPLOY_ENV.revision, valueFrom: 'arn:aws:ssm:x' }];
    expect(renderError(clashing, input()).message).toContain('takes DEPLOY_REVISION from a secret');
  });

  it('returns TASK_DEFINITION_INVALID without container definitions', () => {
    expect(renderError({ family: 'x' } as unknown as TaskDefinition, input()).code).toBe(
      'TASK_DEFINITION_INVALID',
    );
  });

  it('returns TASK_DEFINITION_INVALID when a field cannot be copied', () => {
    const odd = { ...structuredClone(td), hook: () => 1 } as TaskDefinition;
    expect(renderError(odd, input()).message).toBe('task definition actors cannot be copied');
  });

  it.each([
    ['a digest that is not sha256', input({ digest: 'sha256:abc' }), 'must be sha256:'],
    ['an image by tag', input({ image: `${REPO}:1.0.0` }), 'must reference the digest'],
    ['an image of another digest', input({ image: `${REPO}@${OLD}` }), 'must reference the digest'],
    ['a malformed image', input({ image: `Not An Image@${NEW}` }), 'invalid image reference'],
  ])('returns IMAGE_REF_INVALID for %s', (_name, i, message) => {
    const error = renderError(td, i);
    expect(error.code).toBe('IMAGE_REF_INVALID');
    expect(error.message).toContain(message);
  });
});

describe('liveImageOf', () => {
  it('reports the digest and tags of a revision deployed by digest', () => {
    const { taskDefinition, tags } = described('fargate-web-with-sidecars');
    expect(liveImageOf(taskDefinition, 'actors', tags)).toEqual({
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:41',
      image: `${REPO}@${OLD}`,
      digest: OLD,
      tags: {
        'ecs-gitops:rollout-id': 'ro-0a1b2c3d4e5f60718293',
        'ecs-gitops:config-revision': OLD_REVISION,
        'ecs-gitops:digest': OLD,
        'ecs-gitops:service': 'actors',
        team: 'catalogue',
      },
    });
  });

  it('reports no digest for a revision deployed by tag', () => {
    const { taskDefinition, tags } = described('fargate-first-deploy-by-tag');
    const live = liveImageOf(taskDefinition, 'web', tags);
    expect(live).toEqual({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web-api:3',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web-api:1.0.0',
      tags: {},
    });
    expect(live).not.toHaveProperty('digest');
  });

  it('returns undefined for a container the revision does not have', () => {
    const { taskDefinition, tags } = described('fargate-web-with-sidecars');
    expect(liveImageOf(taskDefinition, 'app', tags)).toBeUndefined();
  });

  it('reads a trailing digest even from a reference the strict parser refuses', () => {
    const td: TaskDefinition = {
      family: 'x',
      revision: 7,
      containerDefinitions: [{ name: 'a', image: `Registry.Example.COM/Team/App@${NEW}` }],
    };
    expect(liveImageOf(td, 'a', {})).toMatchObject({ digest: NEW, taskDefinitionArn: 'x:7' });
  });

  it('copies the tags instead of sharing them', () => {
    const tags = { a: '1' };
    const live = liveImageOf(described('fargate-web-with-sidecars').taskDefinition, 'actors', tags);
    tags.a = '2';
    expect(live?.tags).toEqual({ a: '1' });
  });

  it('reads what renderTaskDefinition wrote', () => {
    const rendered = render(described('fargate-web-with-sidecars').taskDefinition, input());
    expect(liveImageOf(rendered, 'actors', {})).toMatchObject({ image: `${REPO}@${NEW}`, digest: NEW });
  });
});
