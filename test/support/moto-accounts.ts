// One moto server per test run, one fresh AWS account per test file. Starting moto and loading a backend
// (ECS, SSM, ...) the first time costs about 3 s of CPU, and 14 files each paid it for a server of their
// own. Now the run's global setup (test/global-setup.ts) serves a broker on loopback: the first file that
// asks starts the one moto server, and every file gets an account of its own on it, so files running at
// once never see each other's clusters, queues or parameters, with no reset between them.
//
// moto keeps one set of backends per account and picks the account of a request from its access key
// (moto/core/responses.py get_current_account; https://docs.getmoto.org/en/latest/docs/multi_account.html):
// an IAM access key created in an account (CreateAccessKey with moto's `x-moto-account-id` header) acts
// in that account for every service. A file outside a vitest run with the broker (or the broker's moto
// failing to start) falls back to a server of its own, started and stopped as before.
import { inject } from 'vitest';
import { type MotoServer, motoDefaultNetwork, motoEnv, motoQuery, startMoto } from './moto-server.ts';

export interface MotoAccount extends Omit<MotoServer, 'reset'> {
  /** The 12-digit account every resource this file creates lives in. */
  accountId: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The broker's URL (test/support/moto-broker.ts): POST /account answers `{ endpoint, accountId }`. */
    motoBroker?: string;
  }
}

/**
 * A fresh account on the run's moto server (or, outside a run with the broker, on a server of its own).
 * `stop()` releases it: the shared server lives until the run ends.
 */
export async function motoAccount(): Promise<MotoAccount> {
  const broker = providedBroker();
  if (!broker) {
    const { reset: _reset, ...own } = await startMoto();
    return { ...own, accountId: DEFAULT_ACCOUNT };
  }
  const response = await fetch(`${broker}/account`, { method: 'POST' });
  const answer = (await response.json()) as { endpoint?: string; accountId?: string; error?: string };
  if (!response.ok || !answer.endpoint || !answer.accountId)
    throw new Error(answer.error ?? `the moto broker answered ${response.status}`);
  const { endpoint, accountId } = answer;
  const credentials = await accessKeyIn(endpoint, accountId);
  return {
    endpoint,
    accountId,
    credentials,
    env: () => motoEnv(endpoint, credentials),
    defaultNetwork: () => motoDefaultNetwork(endpoint, credentials.accessKeyId),
    // The account is left as it is: the shared server stops when the run ends.
    stop: async () => undefined,
  };
}

/** moto's default account: a server of a file's own answers in it. */
const DEFAULT_ACCOUNT = '123456789012';

function providedBroker(): string | undefined {
  try {
    return inject('motoBroker');
  } catch {
    return undefined;
  }
}

/** Creates an IAM user and access key in `accountId` (moto's `x-moto-account-id` header picks it). */
async function accessKeyIn(
  endpoint: string,
  accountId: string,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const asAccount = { headers: { 'x-moto-account-id': accountId } };
  const user = `test-file-${accountId}`;
  await motoQuery(endpoint, 'iam', `Action=CreateUser&UserName=${user}&Version=2010-05-08`, asAccount);
  const key = await motoQuery(
    endpoint,
    'iam',
    `Action=CreateAccessKey&UserName=${user}&Version=2010-05-08`,
    asAccount,
  );
  const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(key)?.[1];
  const accessKeyId = field('AccessKeyId');
  const secretAccessKey = field('SecretAccessKey');
  if (!accessKeyId || !secretAccessKey)
    throw new Error(`moto CreateAccessKey answered without a key: ${key}`);
  return { accessKeyId, secretAccessKey };
}
