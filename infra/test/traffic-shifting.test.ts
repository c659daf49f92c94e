// A service whose config asks for an ECS canary gets what ECS needs to shift its traffic (alternate target
// group, production and test listener rules, the infrastructure role, loadBalancers[].advancedConfiguration),
// and the template's deployment strategy is exactly what the deployer sends, so a `cdk deploy` does not undo
// the deployer and the deployer sends nothing after a fresh deploy. A service without a strategy keeps one
// target group and its circuit breaker.
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type EcsDeploymentConfiguration,
  planDeploymentConfiguration,
} from '../../deployer/domain/rollout-strategy.ts';
import type { GitOpsStack } from '../lib/gitops-stack.ts';
import { readServiceRollout } from '../lib/service-strategy.ts';
import { PRODUCTION_RULE_PRIORITY, TEST_RULE_PRIORITY } from '../lib/traffic-shifting.ts';
import { FIXTURES, SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is read field by field and checked by expect.
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json> };
const CANARY_FILE = join(FIXTURES, 'canary/actors.yaml');
let canary: { template: Template; stack: GitOpsStack };
let rolling: { template: Template; stack: GitOpsStack };

beforeAll(() => {
  canary = synthApp({ serviceConfig: CANARY_FILE });
  rolling = synthApp();
}, SYNTH_TIMEOUT_MS * 2);

const ref = (stack: GitOpsStack, construct: { node: { defaultChild?: unknown } }) => ({
  Ref: stack.getLogicalId(construct.node.defaultChild as never),
});
function actorsService(template: Template): Resource {
  const found = Object.values(template.findResources('AWS::ECS::Service') as Record<string, Resource>).filter(
    (r) => r.Properties.ServiceName === 'actors',
  );
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}
const rules = (template: Template) =>
  Object.values(
    template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Record<string, Resource>,
  );

/** The API's camelCase deploymentConfiguration as the template's PascalCase. */
function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(v)]),
  );
}

describe('a service with rollout.strategy canary', () => {
  it('has two target groups behind a production rule for every path, weighted 100/0', () => {
    const shifting = canary.stack.trafficShifting;
    expect(shifting).toBeDefined();
    const [blue, green] = shifting?.targetGroups ?? [];
    const both = {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: ref(canary.stack, blue as never), Weight: 100 },
          { TargetGroupArn: ref(canary.stack, green as never), Weight: 0 },
        ],
      },
    };
    const production = rules(canary.template).find((r) => r.Properties.Priority === PRODUCTION_RULE_PRIORITY);
    expect(production?.Properties).toMatchObject({
      Actions: [both],
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
    });
    const test = rules(canary.template).find((r) => r.Properties.Priority === TEST_RULE_PRIORITY);
    expect(test?.Properties).toMatchObject({
      Actions: [both],
      Conditions: [
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-test-traffic', Values: ['1'] } },
      ],
    });
  });

  it('gives ECS the infrastructure role it documents: trusted by ecs.amazonaws.com, AmazonECSInfrastructureRolePolicyForLoadBalancers', () => {
    const role = canary.template.toJSON().Resources[
      canary.stack.getLogicalId(canary.stack.trafficShifting?.shifting.role.node.defaultChild as never)
    ] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' } },
    ]);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
      ':iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers',
    );
  });

  it('sets loadBalancers[].advancedConfiguration on the service: alternate group, both rules, the role', () => {
    const shifting = canary.stack.trafficShifting;
    if (!shifting) throw new Error('no traffic shifting');
    expect(actorsService(canary.template).Properties.LoadBalancers).toEqual([
      {
        ContainerName: 'actors',
        ContainerPort: expect.any(Number),
        TargetGroupArn: ref(canary.stack, shifting.targetGroups[0] as never),
        AdvancedConfiguration: {
          AlternateTargetGroupArn: ref(canary.stack, shifting.targetGroups[1] as never),
          ProductionListenerRule: ref(canary.stack, shifting.shifting.productionRule as never),
          TestListenerRule: ref(canary.stack, shifting.shifting.testRule as never),
          RoleArn: {
            'Fn::GetAtt': [
              canary.stack.getLogicalId(shifting.shifting.role.node.defaultChild as never),
              'Arn',
            ],
          },
        },
      },
    ]);
  });

  it("carries the deployer's deploymentConfiguration for the same file, and no circuit breaker (rolling only)", () => {
    const rollout = readServiceRollout(CANARY_FILE, 'actors');
    const plan = planDeploymentConfiguration(rollout.strategy, rollout.rollback, undefined);
    if (!plan.ok || !plan.configuration) throw new Error('expected a configuration');
    const sent: EcsDeploymentConfiguration = plan.configuration;
    const template = actorsService(canary.template).Properties.DeploymentConfiguration;
    expect(template).toMatchObject(pascal(sent) as object);
    expect(template).not.toHaveProperty('DeploymentCircuitBreaker');
  });

  it('alarms on 5xx and unhealthy hosts of both target groups, which swap roles at every deployment', () => {
    const alarms = Object.values(
      canary.template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>,
    ).filter((a) => /ActorsTarget5xx|ActorsUnhealthyHosts/.test(JSON.stringify(a.Properties.AlarmName)));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      const metrics = alarm.Properties.Metrics as Json[];
      expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(a, 0) + FILL(b, 0)');
      const groups = metrics
        .filter((m) => m.MetricStat)
        .map((m) => JSON.stringify(m.MetricStat.Metric.Dimensions));
      expect(groups.some((d) => d.includes('EdgeServiceBlue'))).toBe(true);
      expect(groups.some((d) => d.includes('EdgeServiceGreen'))).toBe(true);
    }
  });
});

describe('a service without rollout.strategy', () => {
  it('keeps one target group as the listener default, its circuit breaker and no strategy or listener rules of its own', () => {
    expect(rolling.stack.trafficShifting).toBeUndefined();
    const configuration = actorsService(rolling.template).Properties.DeploymentConfiguration;
    expect(configuration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    expect(configuration).not.toHaveProperty('Strategy');
    expect(actorsService(rolling.template).Properties.LoadBalancers[0]).not.toHaveProperty(
      'AdvancedConfiguration',
    );
    expect(rules(rolling.template).map((r) => r.Properties.Priority)).toEqual([10]);
  });
});
