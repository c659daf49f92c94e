// Rollback that stays consistent with git (opt-in, GITHUB_PIN_PULL_REQUESTS=true): when a rollout is
// rolled back (by the deployer after a failure, or by an operator), open a pull request that pins the
// version ECS runs again in `config/services/<name>.yaml`, with the reason and links in its body.
// Merging it makes git say what ECS runs; the file's `track` policy stays, held by the pin (the status
// names the newer image it holds back), and deleting the pin resumes tracking.
// Steps, all through the GitHub REST API: read the file and its blob sha on the config branch, skip
// when it already pins that image or a pin pull request is open (found by its branch name), point the
// branch `ecs-gitops/pin-<service>` at the config branch head, commit the edited file, open the pull
// request. Runs on its own bounded queue: GitHub trouble never touches a rollout; failures are logged
// and counted.
import type { Logger } from 'pino';
import type { Counter, Registry } from 'prom-client';
import { parse } from 'yaml';
import type { ServiceStatus } from '../contract/status-model.ts';
import { DeliveryQueue } from '../lifecycle/delivery-queue.ts';
import type { LifecycleEvent, RolloutFinished } from '../lifecycle/lifecycle-event.ts';
import { pinPullRequestsCounter } from '../runtime/metrics.ts';
import type { GitHubActivity } from './github-activity.ts';
import type { GitHubLinks } from './github-links.ts';
import type { PinPullRequestPort } from './github-port.ts';
import type { PinPullRequestSettings } from './github-settings.ts';
import { pinServiceYaml } from './pin-yaml.ts';

export const PIN_BRANCH_PREFIX = 'ecs-gitops/pin-';

export interface PinRequesterOptions {
  github: PinPullRequestPort;
  settings: PinPullRequestSettings;
  /** The service's status now (what ECS runs after the rollback, and the tags seen for it). */
  service(name: string): ServiceStatus | undefined;
  links: GitHubLinks;
  /** The latest deployment per service (its link goes in the body) and where the pull request is shown. */
  activity: GitHubActivity;
  logger: Logger;
  metrics: Registry;
  capacity?: number;
}

/** What to pin, taken when the rollback is seen (the status may move on before GitHub answers). */
interface PinJob {
  service: string;
  rollback: RolloutFinished;
  digest: string;
  tag: string | undefined;
}

export type PinOutcome = 'opened' | 'already-pinned' | 'already-open' | 'skipped' | 'failed' | 'dropped';

export class PinRequester {
  readonly #options: PinRequesterOptions;
  readonly #queue: DeliveryQueue<PinJob>;
  readonly #log: Logger;
  readonly #outcomes: Counter<'outcome'>;

  constructor(options: PinRequesterOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'pin-requester' });
    this.#outcomes = pinPullRequestsCounter(options.metrics);
    for (const outcome of ['opened', 'already-pinned', 'already-open', 'skipped', 'failed', 'dropped'])
      this.#outcomes.inc({ outcome }, 0);
    this.#queue = new DeliveryQueue<PinJob>({
      capacity: options.capacity ?? 50,
      deliver: async (job) => this.#outcomes.inc({ outcome: await this.#pin(job) }),
      onFailure: (error, job) => {
        this.#outcomes.inc({ outcome: 'failed' });
        this.#log.warn(
          { err: error, service: job.service, digest: job.digest },
          'could not open the pin pull request',
        );
      },
      onDrop: (job) => {
        this.#outcomes.inc({ outcome: 'dropped' });
        this.#log.warn({ service: job.service }, 'pin pull request dropped (queue full or stopping)');
      },
    });
  }

  /** The lifecycle listener: never waits, never throws. */
  readonly report = (event: LifecycleEvent): void => {
    if (event.kind !== 'rolled-back') return;
    const status = this.#options.service(event.service);
    const digest = status?.live?.digest;
    if (!status || !digest) {
      this.#log.warn(
        { service: event.service, rolloutId: event.rollout.id },
        'rolled back, but the image ECS runs now has no known digest: no pin pull request',
      );
      this.#outcomes.inc({ outcome: 'skipped' });
      return;
    }
    this.#queue.offer({
      service: event.service,
      rollback: event,
      digest,
      tag: knownTag(status, digest, event),
    });
  };

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  stop(ms: number): Promise<void> {
    return this.#queue.close(ms);
  }

  async #pin(job: PinJob): Promise<PinOutcome> {
    const { github, settings } = this.#options;
    const { service, digest, tag } = job;
    const log = this.#log.child({ service, digest, rolloutId: job.rollback.rollout.id });
    const branch = `${PIN_BRANCH_PREFIX}${service}`;
    const open = await github.findOpenPullRequest(branch);
    if (open) {
      log.info({ pullRequest: open.url }, 'a pin pull request is open already: not opening another');
      return 'already-open';
    }
    const file = await this.#configFile(service);
    if (!file) {
      log.warn(
        { branch: settings.baseBranch, dir: settings.configDir },
        `no services/${service}.yaml on the config branch: no pin pull request`,
      );
      return 'skipped';
    }
    const repository = repositoryOf(file.text);
    const pin = tag && repository ? `${repository}:${tag}@${digest}` : digest;
    const label = tag ?? digest.slice(0, 19);
    const edit = pinServiceYaml(
      file.text,
      pin,
      `pinned by ecs-gitops after a rollback (${job.rollback.rollout.reason}); remove to resume tracking`,
      (current) =>
        current === digest || current.endsWith(`@${digest}`) || (tag !== undefined && current === tag),
    );
    if (!edit.ok) {
      log.warn({ path: file.path, reason: edit.reason }, 'cannot write the pin into the service file');
      return 'skipped';
    }
    if (!edit.changed) {
      log.info({ path: file.path }, 'git already pins the image ECS runs: no pull request needed');
      return 'already-pinned';
    }
    const base = await github.branchHead(settings.baseBranch);
    if (!base) throw new Error(`the config branch ${settings.baseBranch} does not exist on GitHub`);
    // A branch left by an earlier (merged or closed) pin pull request starts over from the config branch.
    await github.setBranch(branch, base, (await github.branchHead(branch)) !== undefined);
    await github.writeFile({
      branch,
      path: file.path,
      text: edit.text,
      sha: file.sha,
      message: `Pin ${service} to ${label} after a rollback\n\n${job.rollback.rollout.reason}: ${job.rollback.message}`,
    });
    const pull = await github.createPullRequest({
      head: branch,
      base: settings.baseBranch,
      title: `Pin ${service} to ${label} (rolled back: ${job.rollback.rollout.reason})`,
      body: this.#body(job, file.path, label),
    });
    this.#options.activity.pinPullRequest(service, {
      number: pull.number,
      url: pull.url,
      digest,
      ...(tag ? { tag } : {}),
      openedAt: new Date().toISOString(),
    });
    log.info({ pullRequest: pull.url, number: pull.number, pin }, 'pin pull request opened');
    return 'opened';
  }

  async #configFile(service: string) {
    const { github, settings } = this.#options;
    const dir = settings.configDir === '' ? 'services' : `${settings.configDir}/services`;
    for (const path of [`${dir}/${service}.yaml`, `${dir}/${service}.yml`]) {
      const found = await github.readFile(path, settings.baseBranch);
      if (found) return { path, ...found };
    }
    return undefined;
  }

  #body(job: PinJob, path: string, label: string): string {
    const { rollout, message } = job.rollback;
    const { links, activity } = this.#options;
    const manual = rollout.reason === 'ManualRollback';
    const failed = rollout.to.tag ?? rollout.to.digest?.slice(0, 19) ?? rollout.to.image;
    const deployment = activity.of(job.service)?.deployment;
    const lines = [
      manual
        ? `An operator rolled **${job.service}** back to \`${label}\`.`
        : `The rollout of \`${failed}\` to **${job.service}** failed and was rolled back to \`${label}\`: **${rollout.reason}**, ${message}`,
      '',
      `This pull request pins that version in \`${path}\`, so that git says what ECS runs (\`${job.digest}\`).`,
      'The `track` policy stays in the file, held by the pin: a newer image that fits it is not rolled out,',
      "and the deployer's status names the image it holds back. Delete the `pin` line to resume tracking.",
      '',
      `- Rollout \`${rollout.id}\` (${rollout.result}, ${rollout.reason}) at ${rollout.finishedAt}`,
    ];
    if (/^[0-9a-f]{40}$/.test(rollout.configRevision))
      lines.push(`- Config commit: ${links.commit(rollout.configRevision)}`);
    if (deployment && deployment.rolloutId === rollout.id)
      lines.push(`- GitHub deployment ${deployment.id} (${deployment.state}): ${deployment.url}`);
    else lines.push(`- GitHub deployments of ${job.service}: ${links.deployments(job.service)}`);
    lines.push('', '_Opened by ecs-gitops (GITHUB_PIN_PULL_REQUESTS)._');
    return lines.join('\n');
  }
}

/** The tag of the running digest when one was seen: the rollback's own record, a success, the desired image. */
function knownTag(status: ServiceStatus, digest: string, rollback: RolloutFinished): string | undefined {
  const images = [
    rollback.rollout.from,
    rollback.rollout.to,
    ...status.recentRollouts.flatMap((r) => [r.to, r.from]),
    status.desired,
  ];
  return images.find((image) => image?.digest === digest && image.tag)?.tag;
}

function repositoryOf(text: string): string | undefined {
  try {
    const repository = (parse(text) as { image?: { repository?: unknown } } | null)?.image?.repository;
    return typeof repository === 'string' ? repository : undefined;
  } catch {
    return undefined;
  }
}
