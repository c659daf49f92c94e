// Builds the intake path in moto from the SYNTHESIZED CloudFormation template, so the tests exercise the
// queue, rule and repositories that would really be deployed: SQS queue attributes, the EventBridge
// rule's pattern and SQS target, and the ECR repository settings all come from the template's properties.
import { CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueAttributes } from '../../local/sqs.ts';
import { awsJsonCall } from './aws-json-call.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
export type TemplateJson = { Resources: Record<string, Resource> };

export interface IntakeFromTemplate {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  /** The queue's attributes as created (strings, as SQS takes them). */
  queueAttributes: Record<string, string>;
  ruleName: string;
  repositories: string[];
}

function resourcesOf(template: TemplateJson, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The template's queue properties as CreateQueue attributes, RedrivePolicy's target resolved. */
function attributesOf(properties: Record<string, unknown>, arnOf: (logicalId: string) => string) {
  const attributes = queueAttributes(properties);
  const redrive = properties.RedrivePolicy as
    | { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown }
    | undefined;
  if (redrive) {
    const target = redrive.deadLetterTargetArn as { 'Fn::GetAtt'?: [string, string] } | string;
    const arn = typeof target === 'string' ? target : arnOf(target['Fn::GetAtt']?.[0] ?? '');
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: arn,
      maxReceiveCount: redrive.maxReceiveCount,
    });
  }
  return attributes;
}

export interface CreateIntakeOptions {
  template: TemplateJson;
  sqs: SQSClient;
  ecr: ECRClient;
  eventsEndpoint: string;
  /** The access key of the moto account to build in (moto acts in the account a request's key belongs to). */
  accessKeyId?: string;
  /** Overrides applied to the intake queue's attributes (only to show what breaks without them). */
  queueOverrides?: Record<string, string>;
  /** Prefix for every name so several intakes can live in one moto. */
  prefix?: string;
}

export async function createIntakeFromTemplate(options: CreateIntakeOptions): Promise<IntakeFromTemplate> {
  const { template, sqs, ecr } = options;
  const prefix = options.prefix ?? '';
  const arns = new Map<string, string>();
  const urls = new Map<string, string>();
  const queues = resourcesOf(template, 'AWS::SQS::Queue');
  // Dead-letter queues first: the others name them in their RedrivePolicy.
  queues.sort(
    ([, a], [, b]) =>
      Number(a.Properties.RedrivePolicy !== undefined) - Number(b.Properties.RedrivePolicy !== undefined),
  );
  let intake: { id: string; attributes: Record<string, string> } | undefined;
  for (const [id, queue] of queues) {
    const attributes = attributesOf(queue.Properties, (logicalId) => arns.get(logicalId) ?? '');
    const isIntake = queue.Properties.RedrivePolicy !== undefined;
    if (isIntake) Object.assign(attributes, options.queueOverrides);
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${prefix}${String(queue.Properties.QueueName)}`,
        Attributes: attributes,
      }),
    );
    const url = created.QueueUrl ?? '';
    const arn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    urls.set(id, url);
    arns.set(id, arn ?? '');
    if (isIntake) intake = { id, attributes };
  }
  if (!intake) throw new Error('the template has no queue with a RedrivePolicy (the intake queue)');
  const dlqId = queues.find(([id]) => id !== intake?.id)?.[0] ?? '';

  const [ruleId, rule] = resourcesOf(template, 'AWS::Events::Rule')[0] ?? [];
  if (!rule || !ruleId) throw new Error('the template has no EventBridge rule');
  const ruleName = `${prefix}${ruleId}`;
  await eventsCall(
    options.eventsEndpoint,
    'PutRule',
    {
      Name: ruleName,
      EventPattern: JSON.stringify(rule.Properties.EventPattern),
      State: rule.Properties.State ?? 'ENABLED',
    },
    options.accessKeyId,
  );
  const targets = (
    rule.Properties.Targets as {
      Id: string;
      Arn: { 'Fn::GetAtt': [string, string] };
      SqsParameters?: unknown;
    }[]
  ).map((target) => ({
    Id: target.Id,
    Arn: arns.get(target.Arn['Fn::GetAtt'][0]) ?? '',
    SqsParameters: target.SqsParameters,
  }));
  await eventsCall(
    options.eventsEndpoint,
    'PutTargets',
    { Rule: ruleName, Targets: targets },
    options.accessKeyId,
  );

  const repositories: string[] = [];
  for (const [, repository] of resourcesOf(template, 'AWS::ECR::Repository')) {
    const name = String(repository.Properties.RepositoryName);
    const scanning = repository.Properties.ImageScanningConfiguration as { ScanOnPush?: boolean } | undefined;
    await ecr
      .send(
        new CreateRepositoryCommand({
          repositoryName: name,
          imageTagMutability: repository.Properties.ImageTagMutability as 'MUTABLE' | 'IMMUTABLE' | undefined,
          imageScanningConfiguration: { scanOnPush: scanning?.ScanOnPush ?? false },
        }),
      )
      .catch((error: unknown) => {
        // Several intakes in one moto share the repositories.
        if ((error as { name?: string }).name !== 'RepositoryAlreadyExistsException') throw error;
      });
    repositories.push(name);
  }
  return {
    queueUrl: urls.get(intake.id) ?? '',
    queueArn: arns.get(intake.id) ?? '',
    dlqUrl: urls.get(dlqId) ?? '',
    queueAttributes: intake.attributes,
    ruleName,
    repositories,
  };
}

/**
 * One EventBridge (AWS JSON 1.1, `AWSEvents.<Op>`) call. The project ships no EventBridge client (the
 * deployer never calls EventBridge), so the tests speak the protocol directly; moto checks no signature
 * but acts in the account of `accessKeyId` (its default account without one).
 */
export function eventsCall(
  endpoint: string,
  operation: string,
  input: unknown,
  accessKeyId?: string,
): Promise<Record<string, unknown>> {
  return awsJsonCall(
    endpoint,
    { targetPrefix: 'AWSEvents', signingName: 'events', accessKeyId },
    operation,
    input,
  );
}

/** The event ECR sends to EventBridge after a successful push (ECR user guide, "ECR Image Action"). */
export function ecrPushEntry(repository: string, digest: string, tag: string): Record<string, unknown> {
  return {
    Source: 'aws.ecr',
    DetailType: 'ECR Image Action',
    Detail: JSON.stringify({
      'action-type': 'PUSH',
      result: 'SUCCESS',
      'repository-name': repository,
      'image-digest': digest,
      'image-tag': tag,
    }),
  };
}
