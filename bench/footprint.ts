// Footprint: what the production images ship (production dependencies from the lockfile and the
// files each Dockerfile copies) and, when the deployer entry exists, its cold start to ready and
// idle RSS. Run: npm run bench:footprint
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measureDeployerStartup } from './support/deployer-startup.ts';
import { treeSize } from './support/dir-size.ts';
import { contextCopies } from './support/dockerfile-copies.ts';
import { machineLine } from './support/machine.ts';
import { measureProductionDeps } from './support/production-deps.ts';
import { REPO_ROOT } from './support/repo-root.ts';
import { formatBytes, formatMs } from './support/stats.ts';
import { printTable, type Row } from './support/table.ts';

async function dockerfileRows(prodDepsBytes: number): Promise<Row[]> {
  const names = (await readdir(REPO_ROOT)).filter((name) => name.startsWith('Dockerfile')).sort();
  const rows: Row[] = [];
  for (const name of names) {
    let bytes = 0;
    let files = 0;
    const missing: string[] = [];
    for (const copy of contextCopies(await readFile(join(REPO_ROOT, name), 'utf8'))) {
      for (const source of copy.sources) {
        // node_modules in the image comes from `npm ci --omit=dev` (measured above), never the context.
        if (source.includes('node_modules')) continue;
        const path = join(REPO_ROOT, source);
        if (!existsSync(path)) {
          missing.push(source);
          continue;
        }
        const size = await treeSize(path);
        bytes += size.bytes;
        files += size.files;
      }
    }
    rows.push([
      name,
      `${formatBytes(bytes)} (${files} files)`,
      formatBytes(bytes + prodDepsBytes),
      missing.length > 0 ? `missing: ${missing.join(', ')}` : '',
    ]);
  }
  if (rows.length === 0) rows.push(['(no Dockerfile.* found)', '', '', '']);
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
    'Dockerfiles: files copied from the build context, and with production node_modules added',
    ['Dockerfile', 'copied from context', 'app payload incl. node_modules', 'notes'],
    await dockerfileRows(deps.total.bytes),
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
      ['bare `node -e` RSS for comparison', formatBytes(startup.bareNodeRssBytes), 'same Node binary'],
    ],
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:footprint failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
