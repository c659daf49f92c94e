#!/usr/bin/env node
// The `ecs-gitops` command (package.json bin), so that `npx ecs-gitops <command>` works in a clone
// after `npm ci`. The CLI is TypeScript: Node runs `.ts` files directly only from 22.18 (type
// stripping), and the project runs on the Node 24 of its `node` devDependency, while the machine's
// `node` may be older. So, in order: run the sources in this process when this Node strips types;
// else run them on the project's Node 24; else run the build in dist/ (`npm run build`); else say
// what to do. Plain JavaScript on purpose: this file itself must run on any Node.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = `${root}deployer/cli/`;
const built = `${root}dist/deployer/cli/`;
/** Where `npm ci` puts the `node` devDependency's binary. */
const projectNode = `${root}node_modules/node/bin/node`;
const args = process.argv.slice(2);

if (process.features.typescript && existsSync(`${sources}main.ts`)) {
  await runHere(sources, 'ts');
} else if (existsSync(projectNode) && existsSync(`${sources}main.ts`)) {
  runOnProjectNode();
} else if (existsSync(`${built}main.js`)) {
  await runHere(built, 'js');
} else {
  process.stderr.write(
    `ecs-gitops: this Node (${process.versions.node}) does not run TypeScript sources (Node 22.18 or newer does),\n` +
      `and neither the project's Node 24 (${projectNode}) nor a build (${built}main.js) is there.\n` +
      `Run \`npm ci\` in ${root} (it installs Node 24), or \`npm run build\`, then try again.\n`,
  );
  process.exitCode = 70;
}

/** Runs the CLI in this process (exit code as main.ts would set it). */
async function runHere(dir, extension) {
  const { runCli } = await import(pathToFileURL(`${dir}main.${extension}`).href);
  const { processIo } = await import(pathToFileURL(`${dir}cli-io.${extension}`).href);
  process.exitCode = await runCli(args, processIo());
}

/** Runs the sources on Node 24 as a child that shares our terminal; its exit is ours. */
function runOnProjectNode() {
  const child = spawn(projectNode, [`${sources}main.ts`, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the whole process group; a signal sent to this process alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(signal, () => {
      child.kill(signal);
    });
  child.on('error', (error) => {
    process.stderr.write(`ecs-gitops: cannot start ${projectNode}: ${error.message}\n`);
    process.exitCode = 70;
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 70;
  });
}
