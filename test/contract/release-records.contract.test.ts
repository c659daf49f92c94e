// ReleaseRecordPort contract: what SSM Parameter Store guarantees about PutParameter with Overwrite
// true, on the fake and on moto (there is no local stand-in: the local world records nothing).
// API: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { releaseParameterName, SsmReleaseRecords } from '../../deployer/adapters/aws/ssm-adapter.ts';
import type { ReleaseRecordPort } from '../../deployer/ports.ts';
import { FakeReleaseRecords } from '../support/fakes/index.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { contract, type Subject, signal } from './worlds.ts';

interface ReleaseSubject extends Subject {
  records: ReleaseRecordPort;
  /** What the world holds for a service now: value, version and type, or undefined. */
  read(service: string): Promise<{ image: string; version: number; type?: string } | undefined>;
}

const PREFIX = '/ecs-gitops/ContractStack';
const IMAGE = (n: number) =>
  `123456789012.dkr.ecr.us-east-1.amazonaws.com/actors@sha256:${String(n).repeat(64)}`;

contract<ReleaseSubject>(
  'ReleaseRecordPort',
  {
    fake: async () => {
      const records = new FakeReleaseRecords();
      return {
        records,
        read: async (service) => records.records.get(service),
        stop: async () => {},
      };
    },
    moto: async () => {
      const moto = await motoAccount();
      const clients: AwsClients = createAwsClients({
        maxAttempts: 1,
        credentials: moto.credentials,
        endpoints: { ssm: moto.endpoint },
      });
      const read = async (service: string) => {
        try {
          const { Parameter } = await clients.ssm.send(
            new GetParameterCommand({ Name: releaseParameterName(PREFIX, service) }),
          );
          return { image: Parameter?.Value ?? '', version: Parameter?.Version ?? 0, type: Parameter?.Type };
        } catch (error) {
          if ((error as { name?: string }).name === 'ParameterNotFound') return undefined;
          throw error;
        }
      };
      // moto loads its SSM backend (with AWS's public parameters) on the first call: seconds on a
      // loaded machine, so pay for it here, under the start timeout, not in the first test.
      await read('warm-up');
      return {
        records: new SsmReleaseRecords(clients.ssm, PREFIX),
        read,
        stop: async () => {
          clients.destroy();
          await moto.stop();
        },
      };
    },
  },
  (subject, world) => {
    it('recordServed creates the record of a service that had none', async () => {
      const { records, read } = subject();
      expect(await read(`fresh-${world}`)).toBeUndefined();
      await records.recordServed(`fresh-${world}`, { image: IMAGE(1) }, signal);
      const stored = await read(`fresh-${world}`);
      expect(stored?.image).toBe(IMAGE(1));
      expect(stored?.version).toBe(1);
      // An `ssm` dynamic reference reads String and StringList parameters only.
      if (stored?.type !== undefined) expect(stored.type).toBe('String');
    });

    // "Overwrite: Overwrite an existing parameter" (API_PutParameter.html): a new version, latest value.
    it('recordServed overwrites an earlier record: the latest image wins, as a new version', async () => {
      const { records, read } = subject();
      await records.recordServed(`again-${world}`, { image: IMAGE(1) }, signal);
      await records.recordServed(`again-${world}`, { image: IMAGE(2) }, signal);
      const stored = await read(`again-${world}`);
      expect(stored?.image).toBe(IMAGE(2));
      expect(stored?.version).toBe(2);
    });

    it('records of different services do not touch each other', async () => {
      const { records, read } = subject();
      await records.recordServed(`a-${world}`, { image: IMAGE(3) }, signal);
      await records.recordServed(`b-${world}`, { image: IMAGE(4) }, signal);
      expect((await read(`a-${world}`))?.image).toBe(IMAGE(3));
      expect((await read(`b-${world}`))?.image).toBe(IMAGE(4));
    });
  },
);
