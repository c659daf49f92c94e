// Composition root of the deployer: settings → adapters → runtime → HTTP server → listen → start.
// Local mode (the default, `npm start`) first starts the local stand-ins in-process and watches the
// config directory. SIGTERM/SIGINT: stop accepting HTTP, stop the runtime (it releases unfinished
// messages), stop the local world, exit 0; a second signal exits at once. Startup failures exit 1.
// Importing this module runs nothing (only `node deployer/main.ts` does): the image build compiles it
// and everything it imports into Node's compile cache that way (startup/warm-compile-cache.ts).
import { flushCompileCache } from 'node:module';
import { pino } from 'pino';
import { logDestination, logFormatFromEnv } from '../common/log-output.ts';
import { listenOrExplain } from '../common/port-in-use.ts';
import { DirectoryConfigSource } from './adapters/directory-config-source.ts';
import { redactUrl } from './adapters/git/run-git.ts';
import { buildServer } from './http/server.ts';
import { createDeployerRuntime } from './runtime/app.ts';
import type { DeployerRuntime } from './runtime/runtime.ts';
import { loadSettings, type Settings } from './runtime/settings.ts';
import { localBanner } from './startup/banner.ts';
import { type ConfigWatcher, watchConfigDirectory } from './startup/config-watcher.ts';
import { type Adapters, createAdapters } from './startup/create-adapters.ts';
import { historyLinkSettings } from './startup/history-links.ts';
import type { LocalMode } from './startup/local-mode.ts';
import { createReporting, loadReportingSettings, type Reporting } from './startup/reporting.ts';

/** ECS sends SIGKILL 30 s after SIGTERM (stopTimeout); finish well before. */
const SHUTDOWN_LIMIT_MS = 25_000;
/** After this, open connections (idle keep-alives, slow clients) are cut so close() can finish. */
const HTTP_CLOSE_GRACE_MS = 3_000;

/** Starts the deployer configured by `env`; it runs until a signal stops it (then the process exits). */
async function runDeployer(env: NodeJS.ProcessEnv): Promise<void> {
  let settings: Settings;
  let reportingSettings: ReturnType<typeof loadReportingSettings>;
  let logOutput: Awaited<ReturnType<typeof logDestination>>;
  try {
    settings = loadSettings(env);
    reportingSettings = loadReportingSettings(env);
    // Human-readable in local mode, JSON lines in aws mode; LOG_FORMAT overrides either way.
    logOutput = await logDestination(logFormatFromEnv(env, settings.mode));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`deployer cannot start: ${message}\n`);
    process.exit(1);
  }

  const logger = pino(
    {
      level: settings.logLevel,
      name: 'deployer',
      redact: {
        paths: [
          'statusToken',
          'githubWebhookSecret',
          '*.statusToken',
          '*.githubWebhookSecret',
          'apiTokens[*].secret',
          '*.apiTokens[*].secret',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    logOutput,
  );

  let local: LocalMode | undefined;
  let adapters: Adapters | undefined;
  let runtime: DeployerRuntime | undefined;
  let reporting: Reporting | undefined;
  let watcher: ConfigWatcher | undefined;
  let app: ReturnType<typeof buildServer> | undefined;

  async function start(): Promise<void> {
    let adapterOptions: Omit<Parameters<typeof createAdapters>[0], 'settings' | 'logger'> = { env };
    if (settings.mode === 'local') {
      const { startLocalMode, stopWithParent } = await import('./startup/local-mode.ts');
      stopWithParent(() => {
        logger.warn('the parent process exited without stopping the deployer: stopping');
        shutdown('SIGHUP');
      });
      local = await startLocalMode(settings, env, logger);
      settings = local.settings;
      adapterOptions = local.adapterOptions;
      if (stopping) return; // Ctrl-C while the local world started: stop() takes it down.
    }
    adapters = createAdapters({ settings, logger, ...adapterOptions });
    const { destroy: _destroy, ...ports } = adapters;
    // GitHub statuses and notifications read status snapshots only; the stand-in is the local default.
    const github = reportingSettings.github ?? local?.github?.settings;
    reporting = createReporting({
      settings: { ...reportingSettings, github },
      logger,
      stackValues: settings.stackValues ?? {},
    });
    runtime = createDeployerRuntime({
      settings,
      logger,
      ...ports,
      configSource: reporting.watchConfig(ports.configSource),
      historyLinks: historyLinkSettings(settings, github),
    });
    await reporting.start(runtime);
    // The status the HTTP layer serves carries each service's GitHub deployment and pin pull request.
    app = buildServer({ runtime: reporting.withGitHub(runtime), settings, logger });
    const server = app;
    const address = await listenOrExplain(() => server.listen({ port: settings.port, host: settings.host }), {
      component: "The deployer's HTTP server",
      address: settings.host,
      port: settings.port,
      variable: 'PORT',
    });
    const url = address.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:');
    logger.info(
      { url, mode: settings.mode, config: describeConfig(settings), queueUrl: settings.queueUrl },
      'deployer listening',
    );

    if (stopping) return;
    await runtime.start();
    if (stopping) return;
    const loaded = runtime.status().config.headRevision;
    if (settings.config.kind === 'directory') {
      const dir = settings.config.path;
      const changes = runtime;
      const onDisk = new DirectoryConfigSource({ root: dir, configPath: 'services' });
      watcher = watchConfigDirectory(
        dir,
        (revision) => {
          // A unique reason per change: SQS FIFO drops a repeated deduplication id for 5 minutes.
          const reason = `config directory changed to ${revision.slice(0, 19)} at ${new Date().toISOString()}`;
          logger.info({ dir, revision }, 'config directory changed; resync queued');
          changes.enqueue({ kind: 'resync', reason }, AbortSignal.timeout(10_000)).catch((error: unknown) => {
            logger.warn({ err: error }, 'could not queue a resync after a config change');
          });
        },
        {
          // Read after the runtime's own first read (not beside it, before ready), against its revision.
          ...(loaded ? { knownRevision: loaded } : {}),
          revision: async (signal) => (await onDisk.read(undefined, signal)).revision,
          onError: (error) =>
            logger.warn(
              { err: error, dir },
              'cannot watch the config directory; edits need `npx ecs-gitops refresh`',
            ),
        },
      );
    }
    // Node keeps every compile-cache entry it read in memory until the cache is flushed (then it
    // writes the entries that changed and frees them all: src/compile_cache.cc, Persist). Everything the
    // deployer loads at start is loaded by now: flushed here, ~7 MiB of malloc is free for the rest of its
    // life instead of held until exit. Modules loaded later are read from the cache as before.
    // https://nodejs.org/api/module.html#moduleflushcompilecache
    flushCompileCache();
    if (local) process.stdout.write(`${localBanner(url, local)}\n`);
  }

  async function stop(): Promise<void> {
    if (app) {
      const server = app.server;
      const cut = setTimeout(() => server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
      await app.close().finally(() => clearTimeout(cut));
    }
    watcher?.close();
    await runtime?.stop();
    await reporting?.stop(3_000);
    adapters?.destroy();
    await local?.world?.stop();
    await local?.github?.close();
  }

  /** Where the config comes from, for logs: a token in a clone URL never reaches them. */
  function describeConfig(s: Settings): string {
    return s.config.kind === 'git'
      ? `${redactUrl(s.config.repository)}#${s.config.branch}:${s.config.dir}`
      : s.config.path;
  }

  /**
   * Exits without the orderly stop. The local world's task processes still go: its process runner
   * kills their process groups on exit (local/tasks/process-runner.ts).
   */
  function exitNow(code: number): never {
    process.exit(code);
  }

  let starting: Promise<void> | undefined;
  let stopping = false;
  function shutdown(signal: NodeJS.Signals): void {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      exitNow(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const limit = setTimeout(() => {
      logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long: exiting');
      exitNow(1);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    // A signal during start-up waits for it to settle, so whatever it started (the local world's task
    // processes above all) is stopped too.
    (starting ?? Promise.resolve())
      .catch(() => undefined)
      .then(stop)
      .then(() => {
        logger.info('deployer stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exitNow(1);
      });
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Log a crash as JSON like everything else, then exit non-zero (ECS restarts the task).
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    exitNow(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    exitNow(1);
  });

  async function main(): Promise<void> {
    starting = start();
    try {
      await starting;
    } catch (error) {
      // Interrupted by a signal: its handler stops what was started and exits.
      if (stopping) return;
      logger.fatal({ err: error }, 'deployer failed to start');
      process.stderr.write(
        `deployer cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      await stop().catch(() => undefined);
      exitNow(1);
    }
  }
  await main();
}

if (import.meta.main) await runDeployer(process.env);
