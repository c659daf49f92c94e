import { describe, expect, it } from 'vitest';
import { parseEcsEvent } from '../../../../deployer/domain/events/ecs-event.ts';
import { decodeQueueBody } from '../../../../deployer/domain/events/queue-body.ts';
import { deduplicationId, messageGroupId } from '../../../../deployer/domain/events/queue-message.ts';

// The AWS documentation's samples (ecs_service_deployment_events.html, ecs_service_events.html).
const deploymentEvent = (eventName: string, eventType = 'INFO') => ({
  version: '0',
  id: 'ddca6449-b258-46c0-8653-e0e3a6EXAMPLE',
  'detail-type': 'ECS Deployment State Change',
  source: 'aws.ecs',
  account: '111122223333',
  time: '2020-05-23T12:31:14Z',
  region: 'us-west-2',
  resources: ['arn:aws:ecs:us-west-2:111122223333:service/default/servicetest'],
  detail: {
    eventType,
    eventName,
    deploymentId: 'ecs-svc/123',
    updatedAt: '2020-05-23T11:11:11Z',
    reason: 'ECS deployment ecs-svc/123 completed.',
  },
});
const serviceAction = {
  version: '0',
  id: 'af3c496d-f4a8-65d1-70f4-a69d52e9b584',
  'detail-type': 'ECS Service Action',
  source: 'aws.ecs',
  account: '111122223333',
  time: '2019-11-19T19:27:22Z',
  region: 'us-west-2',
  resources: ['arn:aws:ecs:us-west-2:111122223333:service/default/servicetest'],
  detail: {
    eventType: 'INFO',
    eventName: 'SERVICE_STEADY_STATE',
    clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/default',
    createdAt: '2019-11-19T19:27:22.695Z',
  },
};

describe('parseEcsEvent', () => {
  it.each([
    ['SERVICE_DEPLOYMENT_COMPLETED', 'INFO'],
    ['SERVICE_DEPLOYMENT_FAILED', 'ERROR'],
    ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'INFO'],
  ])('an ECS Deployment State Change %s is a deployment-event for the service of its ARN', (name, type) => {
    const parsed = parseEcsEvent(deploymentEvent(name, type));
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'deployment-event',
        message: {
          kind: 'deployment-event',
          cluster: 'default',
          service: 'servicetest',
          event: name,
          at: '2020-05-23T12:31:14Z',
          deploymentId: 'ecs-svc/123',
          reason: 'ECS deployment ecs-svc/123 completed.',
        },
      },
    });
  });

  it('an ECS Service Action is a deployment-event too (cluster from the ARN)', () => {
    const parsed = parseEcsEvent(serviceAction);
    expect(parsed.ok && parsed.value).toMatchObject({
      kind: 'deployment-event',
      message: { cluster: 'default', service: 'servicetest', event: 'SERVICE_STEADY_STATE' },
    });
  });

  it('an old-format service ARN takes its cluster from clusterArn', () => {
    const old = { ...serviceAction, resources: ['arn:aws:ecs:us-west-2:111122223333:service/servicetest'] };
    const parsed = parseEcsEvent(old);
    expect(parsed.ok && parsed.value).toMatchObject({
      message: { cluster: 'default', service: 'servicetest' },
    });
  });

  it.each([
    [
      'a task state change',
      { ...serviceAction, 'detail-type': 'ECS Task State Change' },
      /not about a service/,
    ],
    ['an event without a service ARN', { ...serviceAction, resources: [] }, /names no service ARN/],
    ['a detail without an eventName', { ...serviceAction, detail: {} }, /without an eventName/],
    [
      'a service ARN with a hostile name',
      { ...serviceAction, resources: ['arn:aws:ecs:r:1:service/c/a b'] },
      /no service/,
    ],
  ])('%s is ignored with the reason', (_, event, reason) => {
    const parsed = parseEcsEvent(event);
    expect(parsed.ok && parsed.value.kind).toBe('ignored');
    expect(parsed.ok && parsed.value.kind === 'ignored' && parsed.value.reason).toMatch(reason);
  });
});

describe('decodeQueueBody with ECS events', () => {
  it('a deployment event body is a message in its own group, deduplicated by service, event and time', () => {
    const decoded = decodeQueueBody(JSON.stringify(deploymentEvent('SERVICE_DEPLOYMENT_COMPLETED')));
    expect(decoded.kind).toBe('message');
    if (decoded.kind !== 'message') return;
    expect(messageGroupId(decoded.message)).toBe('ecs-events');
    expect(deduplicationId(decoded.message)).toBe(
      'ecs:default/servicetest:SERVICE_DEPLOYMENT_COMPLETED:ecs-svc/123:2020-05-23T12:31:14Z',
    );
  });

  it('an ECS task state change is ignored, not poison', () => {
    const body = JSON.stringify({ ...serviceAction, 'detail-type': 'ECS Task State Change' });
    expect(decodeQueueBody(body).kind).toBe('ignored');
  });
});
