// Wires the reporters that tell the outside world about rollouts: GitHub deployments and commit
// statuses (and, opt-in, pin pull requests after rollbacks), and chat/webhook notifications. Both hang off the lifecycle feed (status snapshots in,
// events out) and run on their own bounded queues: nothing here can slow, block or fail a rollout.
// The reporters' code is imported only when they are configured: Octokit and its plugins (with
// bottleneck) for GitHub, picomatch for notifications. A deployer that reports to neither never loads
// them (~1.5 MiB resident; test/unit/startup/reporting-on-demand.test.ts).
import type { Logger } from 'pino';
import type { StackValues } from '../domain/config/stack-values.ts';
import { GitHubActivity } from '../github/github-activity.ts';
import { githubLinks } from '../github/github-links.ts';
import { type GitHubSettings, loadGitHubSettings } from '../github/github-settings.ts';
import { withGitHubActivity } from '../github/status-with-github.ts';
import { feedLifecycle, type LifecycleListener, type StatusSource } from '../lifecycle/lifecycle-feed.ts';
import { ServedUrls } from '../lifecycle/served-urls.ts';
import {
  loadNotificationSettings,
  type NotificationChannel,
} from '../notifications/notification-settings.ts';
import type { ConfigSource } from '../ports.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { SettingsError } from '../runtime/settings.ts';

export interface ReportingSettings {
  github: GitHubSettings | undefined;
  notifications: NotificationChannel[];
}

/** Reads GITHUB_* and NOTIFICATIONS(_FILE); one SettingsError lists every problem of both. */
export function loadReportingSettings(env: NodeJS.ProcessEnv): ReportingSettings {
  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      problems.push(...error.problems);
      return fallback;
    }
  };
  const github = attempt(() => loadGitHubSettings(env), undefined);
  const notifications = attempt(() => loadNotificationSettings(env), []);
  if (problems.length > 0) throw new SettingsError(problems);
  return { github, notifications };
}

export interface Reporting {
  /** The config source the runtime should read through (it learns each service's served URL). */
  watchConfig(source: ConfigSource): ConfigSource;
  /** Loads the configured reporters' code, then starts listening to the runtime's status. */
  start(runtime: Pick<DeployerRuntime, 'status' | 'subscribe' | 'metrics'>): Promise<void>;
  /** Gives queued reports `ms` to go out; then stops. */
  stop(ms: number): Promise<void>;
  /** The runtime as the HTTP layer should see it: each service's status carries its GitHub activity. */
  withGitHub(runtime: DeployerRuntime): DeployerRuntime;
}

export function createReporting(options: {
  settings: ReportingSettings;
  logger: Logger;
  /** The `${stack:Name}` values the runtime resolves the config with. */
  stackValues?: StackValues;
}): Reporting {
  const { settings, logger } = options;
  const log = logger.child({ component: 'reporting' });
  const served = new ServedUrls(options.stackValues);
  const stops: ((ms: number) => Promise<void>)[] = [];
  const activity = new GitHubActivity();
  let unsubscribe: (() => void) | undefined;
  return {
    watchConfig: (source) => served.watch(source),
    withGitHub: (runtime) => (settings.github ? withGitHubActivity(runtime, activity) : runtime),
    async start(runtime) {
      const listeners: LifecycleListener[] = [];
      if (settings.github) {
        const { github } = settings;
        const [{ OctokitGitHub }, { GitHubReporter }, { PinRequester }] = await Promise.all([
          import('../adapters/github/octokit-github.ts'),
          import('../github/github-reporter.ts'),
          import('../github/pin-requester.ts'),
        ]);
        const client = new OctokitGitHub({ settings: github, logger });
        const links = githubLinks(github.apiUrl, github.owner, github.repo);
        const reporter = new GitHubReporter({
          github: client,
          servedUrl: (service, revision) => served.url(service, revision),
          statusContext: github.statusContext,
          logger,
          metrics: runtime.metrics,
          activity: { record: activity, links },
        });
        listeners.push(reporter.report);
        stops.push((ms) => reporter.stop(ms));
        if (github.pinPullRequests) {
          const pins = new PinRequester({
            github: client,
            settings: github.pinPullRequests,
            service: (name) => runtime.status().services.find((s) => s.name === name),
            links,
            activity,
            logger,
            metrics: runtime.metrics,
          });
          listeners.push(pins.report);
          stops.push((ms) => pins.stop(ms));
        }
        log.info(
          {
            repository: `${github.owner}/${github.repo}`,
            apiUrl: github.apiUrl,
            auth: github.auth.kind,
            pinPullRequests: github.pinPullRequests ?? false,
          },
          'reporting rollouts to GitHub',
        );
      }
      if (settings.notifications.length > 0) {
        const { Notifier } = await import('../notifications/notifier.ts');
        const notifier = new Notifier({
          channels: settings.notifications,
          servedUrl: (service, revision) => served.url(service, revision),
          logger,
          metrics: runtime.metrics,
        });
        listeners.push(notifier.report);
        stops.push((ms) => notifier.stop(ms));
        log.info(
          {
            channels: settings.notifications.map((c) => ({
              name: c.name,
              type: c.type,
              events: c.events,
              services: c.services,
            })),
          },
          'sending rollout notifications',
        );
      }
      if (listeners.length === 0) return;
      unsubscribe = feedLifecycle(runtime as StatusSource, listeners, (error, event) =>
        log.error({ err: error, event: event.kind }, 'a lifecycle listener failed'),
      );
    },
    async stop(ms) {
      unsubscribe?.();
      await Promise.all(stops.map((stop) => stop(ms)));
    },
  };
}
