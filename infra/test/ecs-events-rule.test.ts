// The ECS deployment events rule: what a waiting rollout is woken by (deployer/domain/events/ecs-event.ts).
import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { DEPLOYMENT_EVENTS_GROUP } from '../../deployer/domain/events/queue-message.ts';
import { SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

describe('ECS deployment events rule', () => {
  it(
    'sends ECS Deployment State Change and ECS Service Action events to the intake queue in their own group',
    () => {
      const { template } = synthApp();
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Deployment State Change', 'ECS Service Action'],
        },
        Targets: [
          Match.objectLike({
            SqsParameters: { MessageGroupId: DEPLOYMENT_EVENTS_GROUP },
            DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
          }),
        ],
      });
    },
    SYNTH_TIMEOUT_MS,
  );
});
