// moto (https://docs.getmoto.org), the independent AWS emulator on the machine's Python, started once per
// test file on a free loopback port: `python3 -m moto.server -p PORT`, with one fix of its SQS long poll
// loaded first (moto_sqs_long_poll.py). One server answers every service (ECS, ECR, SQS, CloudFront,
// EventBridge, ...), so every AWS_ENDPOINT_URL_* points at it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../../local/tasks/free-port.ts';

export interface MotoServer {
  endpoint: string;
  /** The env a deployer process (or the SDK) needs to reach moto for every service. */
  env(): Record<string, string>;
  /** Static credentials moto accepts (it checks none). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A subnet and security group of moto's default VPC (an awsvpc service needs both to exist there). */
  defaultNetwork(): Promise<{ subnetId: string; securityGroupId: string }>;
  /** Forgets every resource (POST /moto-api/reset): a clean account without a restart. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export const MOTO_MAJOR = 5;
const PYTHON = process.env.MOTO_PYTHON ?? 'python3';
const INSTALL_HINT =
  `moto ${MOTO_MAJOR}.x is needed for the contract and moto tests: it runs as \`${PYTHON} -m moto.server\`. ` +
  `Install it with \`${PYTHON} -m pip install 'moto[server]>=${MOTO_MAJOR},<${MOTO_MAJOR + 1}'\` ` +
  '(or set MOTO_PYTHON to a Python that has it; do not use Debian python3-botocore, whose old botocore ' +
  'makes moto drop the SQS attributes SDK v3 asks for), or run only the other worlds with CONTRACT_WORLDS=fake,standin.';

const run = promisify(execFile);

/** The moto version `python` has; rejects with a message that says how to install it when missing. */
export async function motoVersion(python = PYTHON): Promise<string> {
  return (await checkMoto(python)).version;
}

/**
 * Finds moto and flask without importing them (importing moto costs ~0.8 s of CPU more; the server
 * imports it anyway) and prints moto's version and the interpreter's path.
 */
const CHECK_MOTO = [
  'import sys, importlib.util as u, importlib.metadata as m',
  'missing = [n for n in ("moto", "flask") if u.find_spec(n) is None]',
  'sys.exit(f"ModuleNotFoundError: No module named {missing[0]!r}") if missing else None',
  'print(m.version("moto")); print(sys.executable)',
].join('\n');

/**
 * Checks that `python` has moto and flask, and finds the interpreter's own path: spawning that skips the
 * pyenv shim (a bash script that costs more CPU than the check itself). Once per process for the default
 * interpreter, so a worker running several files with a server of their own checks once.
 */
async function checkMoto(python: string): Promise<{ version: string; executable: string }> {
  let lines: string[];
  try {
    const { stdout } = await run(python, ['-c', CHECK_MOTO], { timeout: 60_000 });
    lines = stdout.trim().split('\n');
  } catch (error) {
    const why = (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) || (error as Error).message;
    throw new Error(`moto is not available (${why}). ${INSTALL_HINT}`);
  }
  const [version = '', executable = python] = lines;
  if (Number(version.split('.')[0]) !== MOTO_MAJOR) {
    throw new Error(`moto ${version} found, but ${MOTO_MAJOR}.x is required. ${INSTALL_HINT}`);
  }
  return { version, executable };
}

let checked: Promise<{ version: string; executable: string }> | undefined;

/** The env a process (or the SDK) needs to reach moto at `endpoint` for every service. */
export function motoEnv(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_ECS: endpoint,
    AWS_ENDPOINT_URL_ECR: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_CLOUDFRONT: endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
}

/** A subnet and security group of the default VPC of the account `accessKeyId` acts in. */
export async function motoDefaultNetwork(
  endpoint: string,
  accessKeyId: string,
): Promise<{ subnetId: string; securityGroupId: string }> {
  const field = (xml: string, name: string) => {
    const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
    if (!value) throw new Error(`moto answered without a <${name}>: ${xml.slice(0, 300)}`);
    return value;
  };
  const query = { accessKeyId };
  const subnets = await motoQuery(endpoint, 'ec2', 'Action=DescribeSubnets&Version=2016-11-15', query);
  const groups = await motoQuery(endpoint, 'ec2', 'Action=DescribeSecurityGroups&Version=2016-11-15', query);
  return { subnetId: field(subnets, 'subnetId'), securityGroupId: field(groups, 'groupId') };
}

/**
 * One Query-protocol call (EC2, IAM), answering the XML. moto routes by the credential scope and checks
 * no signature; the project has no EC2 or IAM client, and a form post is all this needs.
 */
export async function motoQuery(
  endpoint: string,
  service: string,
  body: string,
  options: { accessKeyId?: string; headers?: Record<string, string> } = {},
): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=${options.accessKeyId ?? 'testing'}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      'content-type': 'application/x-www-form-urlencoded',
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`moto ${service} ${body} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

/** A moto server of the caller's own; most files take an account on the run's server (moto-accounts.ts). */
export async function startMoto(options: { startTimeoutMs?: number } = {}): Promise<MotoServer> {
  checked ??= checkMoto(PYTHON);
  const { executable } = await checked;
  const { endpoint, child, exited } = await serveOnFreePort(executable, options.startTimeoutMs ?? 60_000);
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    endpoint,
    credentials,
    env: () => motoEnv(endpoint, credentials),
    defaultNetwork: () => motoDefaultNetwork(endpoint, credentials.accessKeyId),
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * `python -m moto.server` with one fix loaded first: moto's SQS long poll returns a FIFO message whose
 * group is unblocked mid-poll, as AWS does, instead of spinning until the poll ends
 * (test/support/moto_sqs_long_poll.py says why and cites AWS).
 */
const SERVE_PATCHED = [
  'import sys',
  `sys.path.insert(0, ${JSON.stringify(import.meta.dirname)})`,
  'import moto_sqs_long_poll',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('; ');

/** How often a port another process took between freePort() and moto's bind is given up for a new one. */
const PORT_ATTEMPTS = 3;

/**
 * Starts moto on a port freePort() found free. Test files run in parallel, so another process can bind
 * that port before moto does; moto then exits with "Address already in use" and gets another port.
 */
async function serveOnFreePort(
  python: string,
  timeoutMs: number,
): Promise<{ endpoint: string; child: ChildProcess; exited: Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const child = spawn(python, ['-c', SERVE_PATCHED, '-H', '127.0.0.1', '-p', new URL(endpoint).port], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitUntilServing(endpoint, child, timeoutMs, () => stderr);
      return { endpoint, child, exited };
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt >= PORT_ATTEMPTS || !stderr.includes('Address already in use')) throw error;
    }
  }
}

async function waitUntilServing(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto exited with code ${child.exitCode} before serving:\n${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr()}`);
}
