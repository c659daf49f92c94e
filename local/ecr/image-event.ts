// The EventBridge "ECR Image Action" event, exactly as AWS delivers it to an SQS target.
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, type PushResult } from './registry.ts';

export interface EcrImageActionEvent {
  version: '0';
  id: string;
  'detail-type': 'ECR Image Action';
  source: 'aws.ecr';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    result: 'SUCCESS';
    'repository-name': string;
    'image-digest': string;
    'action-type': 'PUSH';
    'image-tag': string;
  };
}

export function imagePushEvent(push: PushResult): EcrImageActionEvent {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: LOCAL_ACCOUNT_ID,
    time: push.pushedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [],
    detail: {
      result: 'SUCCESS',
      'repository-name': push.repository,
      'image-digest': push.digest,
      'action-type': 'PUSH',
      'image-tag': push.tag,
    },
  };
}
