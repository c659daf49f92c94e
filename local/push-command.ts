// What `npm run local:push` does (local/push.ts is its entry), with its streams and environment passed
// in: docs/quick-start.md's test runs the guide's four pushes in its own process instead of starting
// a node process for each (test/integration/local/main-and-lb.test.ts runs the entry itself).
import { ECR_PUSH_PATH } from './ecr/server.ts';
import { DEFAULT_LOCAL_PORTS } from './world.ts';

export interface PushIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

const usage =
  'usage: npm run local:push -- <repository> <tag> [--broken | --serves-errors] [--ecr <url>]  (env LOCAL_ECR_URL)';

function parseArguments(
  argv: string[],
  env: NodeJS.ProcessEnv,
): {
  repository: string;
  tag: string;
  broken: boolean;
  servesErrors: boolean;
  ecr: string;
} {
  const positional: string[] = [];
  let broken = false;
  let servesErrors = false;
  let ecr = env.LOCAL_ECR_URL ?? `http://127.0.0.1:${DEFAULT_LOCAL_PORTS.ecr}`;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--broken') broken = true;
    else if (argument === '--serves-errors') servesErrors = true;
    else if (argument === '--ecr') {
      ecr = argv[index + 1] ?? '';
      index += 1;
    } else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}\n${usage}`);
    else positional.push(argument);
  }
  const [repository, tag] = positional;
  if (!repository || !tag || positional.length > 2 || ecr === '' || (broken && servesErrors))
    throw new Error(usage);
  return { repository, tag, broken, servesErrors, ecr };
}

/** Pushes the image the arguments name; prints its digest on stdout. Returns the exit code. */
export async function runPush(argv: string[], io: PushIo): Promise<number> {
  try {
    const { repository, tag, broken, servesErrors, ecr } = parseArguments(argv, io.env);
    const response = await fetch(new URL(ECR_PUSH_PATH, ecr), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repository, tag, broken, ...(servesErrors && { servesErrors }) }),
    }).catch((error: unknown) => {
      throw new Error(
        `cannot reach the local ECR at ${ecr} (is \`npm run local\` running?): ${String(error)}`,
      );
    });
    const body = (await response.json()) as { digest?: string; imageUri?: string; error?: string };
    if (!response.ok || !body.digest)
      throw new Error(`push failed (${response.status}): ${body.error ?? 'unknown error'}`);
    io.stdout(`${body.digest}\n`);
    const marked = broken ? ' (broken)' : servesErrors ? ' (serves errors)' : '';
    io.stderr(`pushed ${repository}:${tag}${marked} → ${body.imageUri}\n`);
    return 0;
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
