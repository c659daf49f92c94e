// Footprint: what the production images ship (production dependencies from the lockfile and the
// files each Dockerfile copies) and, when the deployer entry exists, its cold start to ready and
// idle RSS. Run: npm run bench:footprint
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { filesCopiedBy, readDockerIgnore } from '../test/support/docker-context.ts';
import { command, copies, parseDockerfile } from '../test/support/dockerfile.ts';
import { measureDeployerAtScale, measureDeployerStartup } from './support/deployer-startup.ts';
import { machineLine } from './support/machine.ts';
import { neededPackages } from './support/needed-packages.ts';
import { measureProductionDeps, type ProductionDeps } from './support/production-deps.ts';
import { REPO_ROOT } from './support/repo-root.ts';
import { formatBytes, formatMs } from './support/stats.ts';
import { printTable, type Row } from './support/table.ts';

async function dockerfileRows(deps: ProductionDeps): Promise<Row[]> {
  const names = (await readdir(REPO_ROOT)).filter((name) => /^Dockerfile(\.|$)/.test(name)).sort();
  const ignore = await readDockerIgnore(REPO_ROOT);
  const sizeOf = new Map(deps.packages.map((pkg) => [pkg.name, pkg.bytes]));
  const rows: Row[] = [];
  for (const name of names) {
    const dockerfile = parseDockerfile(await readFile(join(REPO_ROOT, name), 'utf8'));
    let bytes = 0;
    let files = 0;
    // node_modules comes from a `COPY --from=deps` stage running `npm ci --omit=dev` (measured above).
    for (const spec of copies(dockerfile.final).filter((copy) => copy.from === undefined)) {
      for (const file of await filesCopiedBy(spec, REPO_ROOT, ignore)) {
        bytes += (await stat(join(REPO_ROOT, file.source))).size;
        files += 1;
      }
    }
    const shipsDeps = copies(dockerfile.final).some(
      (copy) => copy.from !== undefined && copy.sources.some((s) => s.includes('node_modules')),
    );
    const entry = command(dockerfile.final)?.find((arg) => arg.endsWith('.ts') || arg.endsWith('.js'));
    let needed = 'n/a';
    if (entry) {
      const packages = await neededPackages(REPO_ROOT, entry);
      const neededBytes = packages.all.reduce((sum, pkg) => sum + (sizeOf.get(pkg) ?? 0), 0);
      needed = `${formatBytes(neededBytes)} (${packages.all.length} packages from ${packages.direct.join(', ')})`;
    }
    rows.push([
      name,
      `${formatBytes(bytes)} (${files} files)`,
      shipsDeps ? formatBytes(deps.total.bytes) : '0',
      formatBytes(bytes + (shipsDeps ? deps.total.bytes : 0)),
      entry ? `${entry}: ${needed}` : needed,
    ]);
  }
  if (rows.length === 0) rows.push(['(no Dockerfile found)', '', '', '', '']);
  return rows;
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  process.stdout.write('Footprint (this machine; sizes are apparent file sizes, what image layers hold)\n');
  const deps = await measureProductionDeps(REPO_ROOT);
  printTable(
    `Production dependencies (npm ci --omit=dev from package-lock.json, ${deps.packages.length} top-level packages, installed offline in ${formatMs(deps.installMs)})`,
    ['package', 'size', 'files'],
    [
      ...deps.packages.slice(0, 10).map((pkg): Row => [pkg.name, formatBytes(pkg.bytes), pkg.files]),
      ['TOTAL node_modules', formatBytes(deps.total.bytes), deps.total.files],
    ],
  );
  printTable(
    'Dockerfiles: final-stage files from the build context (.dockerignore applied) and production node_modules; base image not counted',
    [
      'Dockerfile',
      'source copied from context',
      'node_modules',
      'app payload',
      'entry needs (import closure + deps)',
    ],
    await dockerfileRows(deps),
  );

  const startup = await measureDeployerStartup({ runs: Number(process.env.BENCH_RUNS ?? 3) });
  if (!startup.ok) {
    process.stdout.write(`\nDeployer startup: not measured (${startup.reason})\n`);
    return;
  }
  printTable(
    `Deployer process (node deployer/main.ts, aws mode against the local stand-ins, ${startup.services} service(s) in config)`,
    ['measure', 'value', 'baseline'],
    [
      ['cold start to /readyz 200 (median of runs)', formatMs(startup.coldStartMs), 'spawn to first 200'],
      ['cold start, each run', startup.runsMs.map((ms) => formatMs(ms)).join(', '), ''],
      [
        `RSS idle (${startup.idleSeconds} s after ready)`,
        formatBytes(startup.idleRssBytes),
        '/proc/<pid>/status VmRSS',
      ],
      [
        'V8 heap used at the same moment',
        startup.idleHeapBytes === undefined ? 'n/a' : formatBytes(startup.idleHeapBytes),
        '/metrics nodejs_heap_size_used_bytes',
      ],
      ['bare `node -e` RSS for comparison', formatBytes(startup.bareNodeRssBytes), 'same Node binary'],
    ],
  );

  const count = Number(process.env.BENCH_SERVICES ?? 1000);
  const scale = await measureDeployerAtScale(count);
  if (!scale.ok) {
    process.stdout.write(`\nDeployer at ${count} services: not measured (${scale.reason})\n`);
    return;
  }
  printTable(
    `Deployer process managing ${scale.services} services (+ actors) on the local stand-ins (services at desiredCount 0: no task processes)`,
    ['measure', 'value'],
    [
      ['spawn → /readyz 200', formatMs(scale.readyMs)],
      [`spawn → all ${scale.services} services Synced in /status`, formatMs(scale.allSyncedMs)],
      ['RSS 5 s later', formatBytes(scale.rssBytes)],
      [
        'V8 heap used at the same moment (/metrics)',
        scale.heapBytes === undefined ? 'n/a' : formatBytes(scale.heapBytes),
      ],
      ['(seeding the stand-ins took)', formatMs(scale.seedMs)],
    ],
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:footprint failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
