// The last good config revision in SSM Parameter Store: one String parameter holding
// `{"revision": ..., "appliedAt": ...}`, overwritten after every applied config, read at start when
// the config at the source head is invalid (the deployer then runs that revision, visibly).
// GetParameter answers ParameterNotFound for a name never written:
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
// PutParameter needs Overwrite: true to replace an existing value (each write is a new version); a
// standard-tier String value holds up to 4 KB:
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { LastGoodConfig, LastGoodConfigStore } from '../../ports.ts';
import { mapAwsError } from './map-aws-error.ts';

export const DEFAULT_LAST_GOOD_CONFIG_PARAMETER = '/ecs-gitops/last-good-config';

export class SsmLastGoodConfig implements LastGoodConfigStore {
  readonly #client: SSMClient;
  readonly #name: string;

  constructor(client: SSMClient, name = DEFAULT_LAST_GOOD_CONFIG_PARAMETER) {
    this.#client = client;
    this.#name = name;
  }

  async read(signal: AbortSignal): Promise<LastGoodConfig | undefined> {
    let value: string | undefined;
    try {
      const output = await this.#client.send(new GetParameterCommand({ Name: this.#name }), {
        abortSignal: signal,
      });
      value = output.Parameter?.Value;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ParameterNotFound') return undefined;
      throw mapAwsError(error, 'ssm:GetParameter', signal);
    }
    return parseLastGood(value);
  }

  async write(lastGood: LastGoodConfig, signal: AbortSignal): Promise<void> {
    try {
      await this.#client.send(
        new PutParameterCommand({
          Name: this.#name,
          Value: JSON.stringify({ revision: lastGood.revision, appliedAt: lastGood.appliedAt }),
          Type: 'String',
          Overwrite: true,
          Description: 'ecs-gitops: the last config revision that was valid and applied',
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw mapAwsError(error, 'ssm:PutParameter', signal);
    }
  }
}

/** A value someone else wrote (or an older format) reads as "none recorded", never as a revision. */
function parseLastGood(value: string | undefined): LastGoodConfig | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<LastGoodConfig>;
    if (typeof parsed.revision === 'string' && parsed.revision !== '' && typeof parsed.appliedAt === 'string')
      return { revision: parsed.revision, appliedAt: parsed.appliedAt };
  } catch {
    // not ours
  }
  return undefined;
}
