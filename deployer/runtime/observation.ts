// What reconcile decides on, assembled from what it read (one service now, or a resync pass for many in
// bulk): the desired image chosen from the registry, the live image from the PRIMARY revision and its
// tags, and what this process remembers. Also shows desired and live in the status as soon as known.
import type { DesiredStatus } from '../contract/status-model.ts';
import type { Observation } from '../domain/decide.ts';
import { DeployerError } from '../domain/errors.ts';
import type { ApprovalRecord } from '../domain/gates/approval.ts';
import { chooseImage } from '../domain/policy/choose-image.ts';
import { registryTag } from '../domain/registry-tag.ts';
import { type RevisionRecord, readRevisionTags } from '../domain/revision-tags.ts';
import type { Suspension } from '../domain/suspension.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { ImageChoice, LiveService, RegistryImage, ServiceConfig } from '../domain/types.ts';
import type { Clock, DescribedTaskDefinition } from '../ports.ts';
import { promotedChoice } from './promoted-choice.ts';
import type { StatusStore } from './status-store.ts';

export interface Observed extends Observation {
  configRevision: string;
  family: string;
  /** The ECS service as read for this observation. */
  service: LiveService;
}

/** What observing one service reads from the registry and ECS. */
export interface ObservedReads {
  images: RegistryImage[];
  repositoryUri: string;
  service: LiveService;
  /** The task definition of the service's PRIMARY deployment, with its tags. */
  described: DescribedTaskDefinition;
  /** For an environment promoted from another: the upstream's recent revision records (promotion-reads.ts). */
  upstream?: readonly RevisionRecord[];
}

export interface ObservationDeps {
  store: StatusStore;
  /** Runtime suspension made through this process's API and not yet recorded in ECS, if any. */
  suspension: (service: string) => Suspension | undefined;
  /** Now, for the sync windows (domain/gates). */
  clock: Clock;
  /** Approval or rejection made through this process's API, newer than what ECS shows, if any. */
  approval?: ((service: string) => ApprovalRecord | undefined) | undefined;
}

export interface ObservationOptions {
  config: ServiceConfig;
  configRevision: string;
  force?: boolean | undefined;
  /** Manual `sync --override-window` by this API token. */
  overrideWindowBy?: string | undefined;
}

export function observation(
  { store, suspension, clock, approval }: ObservationDeps,
  { config, configRevision, force, overrideWindowBy }: ObservationOptions,
  { images, repositoryUri, service, described, upstream }: ObservedReads,
): Observed {
  const live = liveImageOf(described.taskDefinition, config.container, described.tags);
  if (!live) {
    throw new DeployerError(
      'TASK_DEFINITION_INVALID',
      `task definition ${service.taskDefinitionArn} of ECS service ${config.service} has no container "${config.container}"; fix \`container\` in ${config.source.file}`,
      { details: { service: config.name } },
    );
  }
  const now = clock.now();
  const promoted = promotedChoice(store, { config, images, upstream, live: live.digest, now });
  const choice = promoted?.choice ?? chooseImage(config.image, images);
  const liveTag = registryTag(images, live.digest);
  store.update(config.name, (status) => {
    if (config.environment) {
      const { name, pipeline, stages } = config.environment;
      status.pipeline = { service: pipeline, environment: name, stages: [...stages] };
      if (promoted) status.pipeline.promotion = promoted.status;
    }
    status.desired = choice.ok ? desiredStatus(config, choice, repositoryUri) : null;
    status.live = {
      image: live.image,
      taskDefinitionArn: live.taskDefinitionArn,
      ...(live.digest ? { digest: live.digest } : {}),
      ...(liveTag ? { tag: liveTag } : {}),
    };
  });
  return {
    config,
    configRevision,
    family: described.taskDefinition.family,
    service,
    choice,
    repositoryUri,
    live,
    template: described.taskDefinition,
    record: readRevisionTags(described.tags),
    pendingSuspension: suspension(config.name),
    failedDigests: store.service(config.name)?.failedDigests ?? [],
    force: force === true,
    now,
    pendingApproval: approval?.(config.name),
    overrideWindow: overrideWindowBy !== undefined,
  };
}

function desiredStatus(
  config: ServiceConfig,
  choice: Extract<ImageChoice, { ok: true }>,
  repositoryUri: string,
): DesiredStatus {
  return {
    image: `${repositoryUri}@${choice.digest}`,
    digest: choice.digest,
    ...(choice.tag ? { tag: choice.tag } : {}),
    reason: choice.reason,
    policy: config.image.pin !== undefined ? { pin: config.image.pin } : config.image.track,
    ...(choice.held ? { heldByPin: choice.held } : {}),
  };
}
