import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEPLOYMENT_EVENTS_GROUP } from '../../deployer/domain/events/queue-message.ts';

/**
 * The deployer's consumer (deployer/runtime/settings.ts) must agree with these: it extends a message's
 * visibility every HEARTBEAT_SECONDS up to this timeout, and counts MAX_RECEIVES as the DLQ does. A
 * short timeout means a deployer killed mid-message hands its service to another replica within a
 * minute, not five.
 */
export const INTAKE_VISIBILITY_TIMEOUT_SECONDS = 60;
export const INTAKE_MAX_RECEIVE_COUNT = 5;
export const INTAKE_QUEUE_NAME = 'ecs-gitops.fifo';
export const INTAKE_DLQ_NAME = 'ecs-gitops-dlq.fifo';
/** Message group of every ECR push event the rule delivers. */
export const INTAKE_RULE_GROUP_ID = 'intake';

export interface IntakeQueueProps {
  /** ECR repositories whose successful pushes become `image-push` intake messages. */
  repositoryNames: string[];
}

/** The deployer's FIFO work queue, its DLQ, and the ECR push → EventBridge → SQS wiring. */
export class IntakeQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Where EventBridge puts events it could not deliver to `queue` (a standard queue: FIFO is not allowed). */
  readonly ruleDeadLetterQueue: sqs.Queue;
  readonly ecrPushRule: events.Rule;
  /** ECS deployment events: a rollout waiting on ECS is woken by them instead of polling. */
  readonly ecsDeploymentRule: events.Rule;

  constructor(scope: Construct, id: string, props: IntakeQueueProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: INTAKE_DLQ_NAME,
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Only the intake queue may redrive here (named by ARN: a Ref would be circular).
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [
          sqs.Queue.fromQueueArn(
            this,
            'IntakeByArn',
            stack.formatArn({ service: 'sqs', resource: INTAKE_QUEUE_NAME }),
          ),
        ],
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: INTAKE_QUEUE_NAME,
      fifo: true,
      // EventBridge sets only a MessageGroupId on a FIFO target, never a deduplication id, so the queue
      // must derive one from the body or SQS refuses every push event ("The queue should either have
      // ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"). See
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_SqsParameters.html ("If you
      // specify an SQS FIFO queue as a target, the queue must have content-based deduplication
      // enabled"). The deployer's own messages still carry explicit ids, which win over the body hash
      // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html).
      contentBasedDeduplication: true,
      visibilityTimeout: Duration.seconds(INTAKE_VISIBILITY_TIMEOUT_SECONDS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: INTAKE_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.ruleDeadLetterQueue = new sqs.Queue(this, 'RuleDeadLetters', {
      queueName: 'ecs-gitops-rule-dlq',
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.ecrPushRule = new events.Rule(this, 'EcrPush', {
      description: 'Successful image pushes to the managed ECR repositories go to the deployer intake queue',
      eventPattern: {
        source: ['aws.ecr'],
        detailType: ['ECR Image Action'],
        detail: {
          'action-type': ['PUSH'],
          result: ['SUCCESS'],
          'repository-name': props.repositoryNames,
        },
      },
    });
    // Undeliverable events (queue deleted, policy wrong, retries used up) land in their own DLQ
    // instead of vanishing; the FailedInvocations alarm (operations.ts) says so.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    this.ecrPushRule.addTarget(
      new targets.SqsQueue(this.queue, {
        messageGroupId: INTAKE_RULE_GROUP_ID,
        deadLetterQueue: this.ruleDeadLetterQueue,
        maxEventAge: Duration.hours(24),
        retryAttempts: 185,
      }),
    );
    // "ECS Deployment State Change" (IN_PROGRESS / COMPLETED / FAILED) and "ECS Service Action" events
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html,
    // .../ecs_service_events.html) in their own message group, so waking a waiting rollout never waits
    // behind a long intake message. Only hints: the rollout describes the service before it judges,
    // and its slow poll (WAIT_POLL_MS) covers an event that is late or lost.
    this.ecsDeploymentRule = new events.Rule(this, 'EcsDeploymentEvents', {
      description: 'ECS deployment state changes and service actions wake the rollouts waiting on them',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Deployment State Change', 'ECS Service Action'],
      },
    });
    this.ecsDeploymentRule.addTarget(
      new targets.SqsQueue(this.queue, {
        messageGroupId: DEPLOYMENT_EVENTS_GROUP,
        deadLetterQueue: this.ruleDeadLetterQueue,
        // Stale after minutes: the fallback poll has looked by then.
        maxEventAge: Duration.hours(1),
        retryAttempts: 20,
      }),
    );
  }
}
