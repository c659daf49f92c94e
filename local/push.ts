// `npm run local:push -- <repository> <tag> [--broken | --serves-errors] [--ecr http://127.0.0.1:4602]`:
// pushes an image into the running local world's ECR (which sends the push event to the queue).
// --broken: its container exits at once; --serves-errors: it runs healthy but answers HTTP 500.
import { runPush } from './push-command.ts';

process.exitCode = await runPush(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
