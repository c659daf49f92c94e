// `npm run local:push -- <repository> <tag> [--broken | --serves-errors] [--ecr http://127.0.0.1:4602]`:
// pushes an image into the running local world's ECR (which sends the push event to the queue).
// --broken: its container exits at once; --serves-errors: it runs healthy but answers HTTP 500.
import { ECR_PUSH_PATH } from './ecr/server.ts';
import { DEFAULT_LOCAL_PORTS } from './world.ts';

const usage =
  'usage: npm run local:push -- <repository> <tag> [--broken | --serves-errors] [--ecr <url>]  (env LOCAL_ECR_URL)';

function parseArguments(argv: string[]): {
  repository: string;
  tag: string;
  broken: boolean;
  servesErrors: boolean;
  ecr: string;
} {
  const positional: string[] = [];
  let broken = false;
  let servesErrors = false;
  let ecr = process.env.LOCAL_ECR_URL ?? `http://127.0.0.1:${DEFAULT_LOCAL_PORTS.ecr}`;
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

try {
  const { repository, tag, broken, servesErrors, ecr } = parseArguments(process.argv.slice(2));
  const response = await fetch(new URL(ECR_PUSH_PATH, ecr), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repository, tag, broken, ...(servesErrors && { servesErrors }) }),
  }).catch((error: unknown) => {
    throw new Error(`cannot reach the local ECR at ${ecr} (is \`npm run local\` running?): ${String(error)}`);
  });
  const body = (await response.json()) as { digest?: string; imageUri?: string; error?: string };
  if (!response.ok || !body.digest)
    throw new Error(`push failed (${response.status}): ${body.error ?? 'unknown error'}`);
  process.stdout.write(`${body.digest}\n`);
  const marked = broken ? ' (broken)' : servesErrors ? ' (serves errors)' : '';
  process.stderr.write(`pushed ${repository}:${tag}${marked} → ${body.imageUri}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
