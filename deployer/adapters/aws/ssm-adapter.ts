// ReleaseRecordPort over SSM Parameter Store: after a successful rollout the deployer writes the
// digest-pinned image of a service to `<prefix>/<service>/image`, which the stack's task definition
// reads through a `{{resolve:ssm:...}}` dynamic reference, so the next `cdk deploy` starts the image
// the deployer rolled out instead of the template's.
// PutParameter with Overwrite true replaces the value and creates a new version; without it an
// existing name fails with ParameterAlreadyExists
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
// A `String` parameter is what an `ssm` dynamic reference can read
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm.html).
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ReleaseRecord, ReleaseRecordPort } from '../../ports.ts';
import { callAws } from './map-aws-error.ts';

/**
 * The parameter holding a service's image under a prefix such as `/ecs-gitops/<stack>`. An environment's
 * target (`actors@staging`) becomes a level (`actors/staging`): parameter names allow only letters,
 * digits, `_ . -` and `/` for hierarchy levels (PutParameter, Name).
 */
export function releaseParameterName(prefix: string, service: string): string {
  return `${prefix.replace(/\/+$/, '')}/${service.replace('@', '/')}/image`;
}

export class SsmReleaseRecords implements ReleaseRecordPort {
  readonly #client: SSMClient;
  readonly #prefix: string;

  constructor(client: SSMClient, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  async recordServed(service: string, record: ReleaseRecord, signal: AbortSignal): Promise<void> {
    const command = new PutParameterCommand({
      Name: releaseParameterName(this.#prefix, service),
      Value: record.image,
      Type: 'String',
      Overwrite: true,
    });
    await callAws('ssm:PutParameter', signal, () => this.#client.send(command, { abortSignal: signal }));
  }
}
