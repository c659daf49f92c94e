// What ECS needs to shift a service's traffic itself (blue-green, linear, canary): a second (alternate)
// target group, a production listener rule and a test listener rule that forward to both groups with
// weights ECS changes, and the infrastructure role ECS assumes to change them
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html). The role
// is the one ECS documents: trusted by ecs.amazonaws.com, with the AWS managed policy
// AmazonECSInfrastructureRolePolicyForLoadBalancers
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html).
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Listener rule priorities: the test rule before the deployer's paths (10), production after them. */
export const TEST_RULE_PRIORITY = 5;
export const PRODUCTION_RULE_PRIORITY = 50;

export interface TrafficShiftingProps {
  listener: elbv2.ApplicationListener;
  /** The service's target groups: `production` serves today; ECS swaps the roles at every deployment. */
  production: elbv2.ApplicationTargetGroup;
  alternate: elbv2.ApplicationTargetGroup;
  /** Requests with this header reach the new revision before production traffic does. */
  testHeader: { name: string; value: string };
}

export class TrafficShifting extends Construct {
  readonly role: iam.Role;
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly testRule: elbv2.ApplicationListenerRule;
  /** For `loadBalancerTarget({ alternateTarget })`: sets loadBalancers[].advancedConfiguration. */
  readonly alternateTarget: ecs.AlternateTarget;

  constructor(scope: Construct, id: string, props: TrafficShiftingProps) {
    super(scope, id);
    // Both groups in one weighted forward: ECS moves the weights (canary %, linear steps, all at once).
    const bothGroups = () =>
      elbv2.ListenerAction.weightedForward([
        { targetGroup: props.production, weight: 100 },
        { targetGroup: props.alternate, weight: 0 },
      ]);
    this.productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener: props.listener,
      priority: PRODUCTION_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: bothGroups(),
    });
    this.testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
      listener: props.listener,
      priority: TEST_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.httpHeader(props.testHeader.name, [props.testHeader.value])],
      action: bothGroups(),
    });
    this.role = new iam.Role(this, 'InfrastructureRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description:
        'Lets ECS move listener rule weights and register tasks during blue/green, linear and canary deployments',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonECSInfrastructureRolePolicyForLoadBalancers'),
      ],
    });
    this.alternateTarget = new ecs.AlternateTarget('Alternate', {
      alternateTargetGroup: props.alternate,
      productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.productionRule),
      testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.testRule),
      role: this.role,
    });
  }
}
