// The intake settings exactly as the synthesized template has them: the intake queue, its DLQ and the
// ECR push rule's target. `npm run synth` writes them to infra/generated/intake.json; the local world
// (local/sqs.ts, local/world.ts) builds its queue and its EventBridge stand-in from that file, and
// infra/test/intake-template.test.ts fails when the file and the template disagree. So the local queue
// cannot silently differ from the AWS one (content-based dedup was exactly such a drift).
import type { Stack } from 'aws-cdk-lib';
import type { IntakeQueue } from './intake-queue.ts';

export const INTAKE_TEMPLATE_FILE = 'infra/generated/intake.json';

type CfnProperties = Record<string, unknown>;

export interface IntakeTemplate {
  /** AWS::SQS::Queue Properties of the intake queue (RedrivePolicy's target ARN is a token, dropped). */
  queue: CfnProperties;
  deadLetterQueue: CfnProperties;
  rule: {
    eventPattern: unknown;
    sqsParameters: { MessageGroupId?: string; MessageDeduplicationId?: string };
  };
}

interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: CfnProperties }>;
}

function propertiesOf(template: TemplateJson, logicalId: string): CfnProperties {
  const resource = template.Resources[logicalId];
  if (!resource?.Properties) throw new Error(`template has no resource ${logicalId}`);
  return resource.Properties;
}

/** Only plain values: tokens (Ref, Fn::GetAtt) mean nothing outside CloudFormation. */
function withoutTokens(properties: CfnProperties): CfnProperties {
  const { RedrivePolicy, RedriveAllowPolicy: _allow, ...rest } = properties;
  const redrive = RedrivePolicy as { maxReceiveCount?: number } | undefined;
  return redrive ? { ...rest, RedrivePolicy: { maxReceiveCount: redrive.maxReceiveCount } } : rest;
}

export function extractIntakeTemplate(
  stack: Stack,
  intake: IntakeQueue,
  template: TemplateJson,
): IntakeTemplate {
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  const rule = propertiesOf(template, id(intake.ecrPushRule));
  const targets = rule.Targets as Array<{ SqsParameters?: IntakeTemplate['rule']['sqsParameters'] }>;
  return {
    queue: withoutTokens(propertiesOf(template, id(intake.queue))),
    deadLetterQueue: withoutTokens(propertiesOf(template, id(intake.deadLetterQueue))),
    rule: { eventPattern: rule.EventPattern, sqsParameters: targets[0]?.SqsParameters ?? {} },
  };
}
