// Property tests: for any task definition, rendering changes exactly one container's image and deploy
// values, drops exactly the read-only fields, never touches its input, and can be read back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEPLOY_ENV } from '../../../common/contract.ts';
import {
  liveImageOf,
  READ_ONLY_FIELDS,
  type RenderInput,
  renderTaskDefinition,
} from '../../../deployer/domain/task-definition.ts';
import type { ContainerDefinition, TaskDefinition } from '../../../deployer/domain/types.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const RUNS = 400;
const DEPLOY_NAMES: string[] = Object.values(DEPLOY_ENV);
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const digest = hex(64).map((h) => `sha256:${h}`);
const json = fc.jsonValue({ maxDepth: 2 });
const extraFields = (reserved: string[]) =>
  fc.dictionary(
    fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !reserved.includes(k) && k !== '__proto__'),
    json,
    { maxKeys: 4 },
  );

const envEntry = fc.record(
  {
    name: fc.oneof(fc.constantFrom(...DEPLOY_NAMES, 'NODE_ENV'), fc.string({ maxLength: 8 })),
    value: fc.string({ maxLength: 12 }),
  },
  { requiredKeys: [] },
);
const container = (name: fc.Arbitrary<string>) =>
  fc
    .record({
      name,
      image: fc.oneof(
        fc.constant('public.ecr.aws/xray/aws-xray-daemon:3.3.12'),
        digest.map((d) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@${d}`),
        fc.string({ maxLength: 20 }),
      ),
      environment: fc.option(fc.array(envEntry, { maxLength: 6 }), { nil: undefined }),
      extra: extraFields(['name', 'image', 'environment', 'secrets']),
    })
    .map(
      ({ extra, environment, ...c }): ContainerDefinition => ({
        ...extra,
        ...c,
        ...(environment === undefined ? {} : { environment }),
      }),
    );

const readOnly = fc.record(
  {
    taskDefinitionArn: fc.constant('arn:aws:ecs:eu-west-1:123456789012:task-definition/app:3'),
    revision: fc.nat(),
    status: fc.constantFrom('ACTIVE', 'INACTIVE'),
    requiresAttributes: fc.array(fc.record({ name: fc.string() }), { maxLength: 2 }),
    compatibilities: fc.constant(['EC2', 'FARGATE']),
    registeredAt: fc.constant('2026-11-20T09:14:03.512Z'),
    registeredBy: fc.string(),
    deregisteredAt: fc.constant('2026-11-21T09:14:03.512Z'),
  },
  { requiredKeys: [] },
);

/** A task definition with unique container names, and the index of the container to deploy. */
const scenario = fc
  .record({
    names: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }),
    readOnly,
    extra: extraFields(['family', 'containerDefinitions', ...READ_ONLY_FIELDS]),
    digest,
    configRevision: hex(40),
    pick: fc.nat(),
  })
  .chain((s) =>
    fc.tuple(...s.names.map((n) => container(fc.constant(n)))).map((containers) => {
      const td: TaskDefinition = {
        ...s.extra,
        ...s.readOnly,
        family: 'app',
        containerDefinitions: containers,
      };
      const target = s.names[s.pick % s.names.length] as string;
      const input: RenderInput = {
        container: target,
        image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@${s.digest}`,
        digest: s.digest,
        configRevision: s.configRevision,
      };
      return { td, input };
    }),
  );

function render(td: TaskDefinition, input: RenderInput): TaskDefinition {
  const result = renderTaskDefinition(td, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const isDeploy = (e: unknown) =>
  typeof e === 'object' && e !== null && DEPLOY_NAMES.includes((e as { name?: unknown }).name as string);

describe('renderTaskDefinition properties', () => {
  it('changes exactly the target container image and deploy values, nothing else, without touching its input', () => {
    fc.assert(
      fc.property(scenario, ({ td, input }) => {
        const before = structuredClone(td);
        const rendered = render(td, input);
        expect(td).toEqual(before);

        for (const field of READ_ONLY_FIELDS) expect(Object.hasOwn(rendered, field)).toBe(false);
        const { containerDefinitions: outContainers, ...outRest } = rendered;
        const { containerDefinitions: inContainers, ...inRest } = td;
        for (const field of READ_ONLY_FIELDS) delete (inRest as Record<string, unknown>)[field];
        expect(outRest).toEqual(inRest);

        expect(outContainers).toHaveLength(inContainers.length);
        outContainers.forEach((out, i) => {
          const original = inContainers[i] as ContainerDefinition;
          if (original.name !== input.container) {
            expect(out).toEqual(original);
            return;
          }
          const { image, environment, ...rest } = out;
          const { image: _image, environment: originalEnv, ...originalRest } = original;
          expect(rest).toEqual(originalRest);
          expect(image).toBe(input.image);
          // Entries the deployer does not own keep their order; its own appear exactly once.
          expect(environment?.filter((e) => !isDeploy(e))).toEqual(
            (originalEnv ?? []).filter((e) => !isDeploy(e)),
          );
          const values = Object.fromEntries(
            (environment ?? []).filter(isDeploy).map((e) => [e.name, e.value]),
          );
          expect(values).toEqual({
            [DEPLOY_ENV.digest]: input.digest,
            [DEPLOY_ENV.revision]: input.configRevision,
            [DEPLOY_ENV.image]: input.image,
          });
          expect(environment?.filter(isDeploy)).toHaveLength(3);
        });
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('is idempotent and liveImageOf reads back what it rendered', () => {
    fc.assert(
      fc.property(scenario, ({ td, input }) => {
        const rendered = render(td, input);
        expect(render(rendered, input)).toEqual(rendered);
        expect(liveImageOf(rendered, input.container, { k: 'v' })).toMatchObject({
          image: input.image,
          digest: input.digest,
          tags: { k: 'v' },
        });
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('round-trips: rendering A then B then A equals rendering A once', () => {
    fc.assert(
      fc.property(scenario, digest, ({ td, input }, other) => {
        const a = render(td, input);
        const b = render(a, { ...input, digest: other, image: `registry.example.com/app@${other}` });
        expect(render(b, input)).toEqual(a);
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('never throws, whatever the described value is', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 3, withBigInt: true, withMap: true, withSet: true }),
        fc.string(),
        (td, name) => {
          const result = renderTaskDefinition(td as TaskDefinition, {
            container: name,
            image: `app@sha256:${'a'.repeat(64)}`,
            digest: `sha256:${'a'.repeat(64)}`,
            configRevision: 'r',
          });
          if (!result.ok) expect(result.error.code).toBe('TASK_DEFINITION_INVALID');
          expect(() => liveImageOf(td as TaskDefinition, name, {})).not.toThrow();
        },
      ),
      { numRuns: propertyRuns(3_000) },
    );
  });
});
