// SSM Parameter Store stand-in: AWS JSON 1.1 (`AmazonSSM.<Op>`), only what the deployer calls
// (GetParameter, PutParameter) on String parameters, with AWS's rules that code could trip on:
// ParameterNotFound for a name never written (API_GetParameter), ParameterAlreadyExists when
// PutParameter replaces a value without Overwrite, a version that grows with every write, and the
// 4 KB standard-tier value limit (API_PutParameter):
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
//   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from '../aws-error.ts';
import {
  createJsonProtocolServer,
  type JsonBody,
  optionalString,
  requiredString,
} from '../aws-json-protocol.ts';
import type { FaultInjector } from '../faults.ts';
import { epochSeconds } from '../http-util.ts';

export const SSM_TARGET_PREFIX = 'AmazonSSM';
const STANDARD_VALUE_LIMIT = 4096;
const ACCOUNT = '000000000000';

export interface LocalParameter {
  name: string;
  value: string;
  version: number;
  lastModified: Date;
}

export class ParameterStore {
  readonly #parameters = new Map<string, LocalParameter>();

  get(name: string): LocalParameter | undefined {
    return this.#parameters.get(name);
  }

  put(name: string, value: string, overwrite: boolean): LocalParameter {
    const existing = this.#parameters.get(name);
    if (existing && !overwrite)
      throw new AwsError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    const parameter = { name, value, version: (existing?.version ?? 0) + 1, lastModified: new Date() };
    this.#parameters.set(name, parameter);
    return parameter;
  }
}

export interface SsmServerOptions {
  store: ParameterStore;
  region: string;
  faults?: FaultInjector;
  logger: Logger;
}

export function createSsmServer(options: SsmServerOptions): Server {
  const { store, region } = options;
  const arn = (name: string) =>
    `arn:aws:ssm:${region}:${ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  return createJsonProtocolServer({
    targetPrefix: SSM_TARGET_PREFIX,
    faults: options.faults,
    logger: options.logger,
    operations: {
      GetParameter(input: JsonBody) {
        const name = requiredString(input, 'Name', 'ValidationException');
        const parameter = store.get(name);
        if (!parameter) throw new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
        return {
          Parameter: {
            Name: parameter.name,
            Type: 'String',
            Value: parameter.value,
            Version: parameter.version,
            LastModifiedDate: epochSeconds(parameter.lastModified),
            ARN: arn(parameter.name),
            DataType: 'text',
          },
        };
      },
      PutParameter(input: JsonBody) {
        const name = requiredString(input, 'Name', 'ValidationException');
        const value = requiredString(input, 'Value', 'ValidationException');
        const type = optionalString(input, 'Type') ?? 'String';
        if (type !== 'String')
          throw new AwsError(
            'UnsupportedParameterType',
            `the local stand-in keeps String parameters only, not ${type}`,
          );
        if (Buffer.byteLength(value) > STANDARD_VALUE_LIMIT)
          throw new AwsError(
            'ValidationException',
            `Value exceeds the ${STANDARD_VALUE_LIMIT} byte limit of a standard parameter`,
          );
        const parameter = store.put(name, value, input.Overwrite === true);
        return { Version: parameter.version, Tier: 'Standard' };
      },
    },
  });
}
