import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The deployer's consumer (deployer/runtime/settings.ts) must agree with these: it extends a message's
 * visibility every HEARTBEAT_SECONDS up to this timeout, and counts MAX_RECEIVES as the DLQ does. A
 * short timeout means a deployer killed mid-message hands its service to another replica within a
 * minute, not five.
 */
export const INTAKE_VISIBILITY_TIMEOUT_SECONDS = 60;
export const INTAKE_MAX_RECEIVE_COUNT = 5;

export interface IntakeQueueProps {
  /** ECR repositories whose successful pushes become `image-push` intake messages. */
  repositoryNames: string[];
}

/** The deployer's FIFO work queue, its DLQ, and the ECR push → EventBridge → SQS wiring. */
export class IntakeQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly ecrPushRule: events.Rule;

  constructor(scope: Construct, id: string, props: IntakeQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: 'ecs-gitops-dlq.fifo',
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: 'ecs-gitops.fifo',
      fifo: true,
      // The deployer sends explicit deduplication ids, so content-based dedup stays off.
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(INTAKE_VISIBILITY_TIMEOUT_SECONDS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: INTAKE_MAX_RECEIVE_COUNT },
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
    this.ecrPushRule.addTarget(new targets.SqsQueue(this.queue, { messageGroupId: 'intake' }));
  }
}
