// The rolling-deployment engine: keeps each service's tasks in line with its deployments the way the
// ECS service scheduler does. A periodic tick makes decisions; task starts and health checks run
// asynchronously and report back by changing task state and kicking the next tick.
import { constants } from 'node:os';
import type { Logger } from 'pino';
import { SERVICE_HEALTH_PATH } from '../../common/contract.ts';
import { freePort } from '../tasks/free-port.ts';
import { type TaskCommand, TaskProcess } from '../tasks/process-runner.ts';
import { isTrafficShift } from './deployment-configuration.ts';
import {
  ECS_ARN_PREFIX,
  type LocalDeployment,
  type LocalService,
  type LocalTask,
  type LocalTaskDefinition,
} from './model.ts';
import {
  finish,
  isFinished,
  type LocalServiceDeployment,
  newServiceRevisionArn,
  recordOf,
  startServiceDeployment,
} from './service-deployments.ts';
import { productionTargetGroup } from './traffic.ts';
import { type AlarmState, TrafficShiftEngine, triggeredAlarms } from './traffic-shift.ts';

export interface SchedulerTiming {
  /** How often the scheduler re-evaluates every service. */
  tickMs: number;
  /** Interval between health probes of a starting task. */
  healthPollMs: number;
  /** A task that is not healthy within this time counts as failed. */
  healthTimeoutMs: number;
  /** Time between SIGTERM and SIGKILL when stopping a task. */
  stopGraceMs: number;
  /** Failed task starts in one deployment that trip the circuit breaker. */
  circuitBreakerThreshold: number;
  /** One "minute" of bake time, canary bake and linear step bake (1 s: a canary is watchable locally). */
  minuteMs: number;
}

export const DEFAULT_SCHEDULER_TIMING: SchedulerTiming = {
  tickMs: 250,
  healthPollMs: 200,
  healthTimeoutMs: 10_000,
  stopGraceMs: 3_000,
  circuitBreakerThreshold: 2,
  minuteMs: 1_000,
};

export interface ResolvedTaskImage {
  command: TaskCommand;
  digest?: string;
}

export interface SchedulerOptions {
  timing: SchedulerTiming;
  logger: Logger;
  /** Maps a container image to the command that plays it (broken images get a failing command). */
  resolveImage: (image: string) => ResolvedTaskImage;
  taskDefinition: (arn: string) => LocalTaskDefinition | undefined;
  /** Told when a deployment starts (a rollback), completes or fails, as ECS tells EventBridge. */
  onDeploymentStateChange?: (service: LocalService, deployment: LocalDeployment) => void;
  /** The state of a CloudWatch alarm a deployment watches (deploymentConfiguration.alarms). Default OK. */
  alarmState?: (name: string) => AlarmState;
}

const MAX_EVENTS = 100;

/**
 * What ECS reports for a stopped task (API_Task.html stopCode/stoppedReason; "Stopped tasks error codes"
 * in the ECS developer guide): an essential container that exits stops its task with
 * EssentialContainerExited / "Essential container in task exited" and the container's exit code; a
 * task the scheduler stops (failed health checks, a replaced or drained deployment, scaling) has
 * ServiceSchedulerInitiated; a container that cannot start is TaskFailedToStart.
 */
export const STOP = {
  essentialExited: { code: 'EssentialContainerExited', reason: 'Essential container in task exited' },
  failedToStart: { code: 'TaskFailedToStart', reason: 'CannotStartContainerError' },
  scheduler: { code: 'ServiceSchedulerInitiated' },
} as const;

/** A process's exit as a container exit code: the code, or 128 + the signal's number (Docker's rule). */
export function containerExitCode(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? null : 128 + number;
}
const MAX_STOPPED_TASKS = 50;

export function newDeploymentId(): string {
  const digits = Array.from({ length: 19 }, () => Math.floor(Math.random() * 10)).join('');
  return `ecs-svc/${digits.replace(/^0/, '1')}`;
}

export function newDeployment(
  taskDefinitionArn: string,
  desiredCount: number,
  service: { clusterName: string; name: string },
): LocalDeployment {
  const now = new Date();
  return {
    id: newDeploymentId(),
    serviceRevisionArn: newServiceRevisionArn(service),
    status: 'PRIMARY',
    taskDefinitionArn,
    desiredCount,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment in progress.',
    createdAt: now,
    updatedAt: now,
  };
}

/** The health path a container's healthCheck probes (`curl -f http://localhost:5000/health`), or the default. */
export function healthPathOf(command: string[] | undefined): string {
  const text = (command ?? []).join(' ');
  const match = /https?:\/\/[^/\s'"]+(\/[^\s'"|;&]*)/.exec(text);
  return match?.[1] ?? SERVICE_HEALTH_PATH;
}

export function addEvent(service: LocalService, message: string): void {
  service.events.unshift({
    id: crypto.randomUUID(),
    createdAt: new Date(),
    message: `(service ${service.name}) ${message}`,
  });
  if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS;
}

export function isLive(task: LocalTask): boolean {
  return task.lastStatus !== 'STOPPED' && task.desiredStatus === 'RUNNING';
}

export class ServiceScheduler {
  readonly #services: LocalService[] = [];
  readonly #options: SchedulerOptions;
  readonly #timer: NodeJS.Timeout;
  readonly #shift: TrafficShiftEngine;
  #kickScheduled = false;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.tick(), options.timing.tickMs);
    this.#shift = new TrafficShiftEngine({
      minuteMs: options.timing.minuteMs,
      alarmState: (name) => this.#alarmState(name),
      stopTasks: (service, tasks, reason) => this.#stopTasks(service, tasks, reason),
      stateChanged: (service, deployment) => options.onDeploymentStateChange?.(service, deployment),
      event: addEvent,
      logger: options.logger,
    });
  }

  #alarmState(name: string): AlarmState {
    return this.#options.alarmState?.(name) ?? 'OK';
  }

  /**
   * A new deployment of `service` (CreateService, UpdateService): its service deployment is recorded and,
   * for BLUE_GREEN, LINEAR and CANARY, its tasks go to the green target group and its stages begin.
   */
  deploymentStarted(service: LocalService, deployment: LocalDeployment): LocalServiceDeployment {
    deployment.targetGroupArn = productionTargetGroup(service);
    const record = startServiceDeployment(service, deployment);
    if (isTrafficShift(record.settings.strategy)) this.#shift.begin(service, deployment, record);
    this.kick();
    return record;
  }

  add(service: LocalService): void {
    this.#services.push(service);
    this.kick();
  }

  /** Runs a tick soon (coalesced), after a state change that may allow progress. */
  kick(): void {
    if (this.#kickScheduled || this.#stopped) return;
    this.#kickScheduled = true;
    setImmediate(() => {
      this.#kickScheduled = false;
      this.tick();
    });
  }

  tick(): void {
    if (this.#stopped) return;
    for (const service of this.#services) {
      try {
        this.#reconcile(service);
      } catch (error) {
        this.#options.logger.error({ err: error, service: service.name }, 'scheduler tick failed');
      }
    }
  }

  /** Stops every task (SIGTERM, then SIGKILL after the grace) and the tick loop. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const running = this.#services.flatMap((service) => service.tasks.filter((task) => task.process));
    for (const task of running) {
      task.desiredStatus = 'STOPPED';
      task.stoppedReason ??= 'Local world stopped';
    }
    await Promise.all(running.map((task) => task.process?.stop(this.#options.timing.stopGraceMs)));
  }

  #reconcile(service: LocalService): void {
    const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
    if (!primary || service.status !== 'ACTIVE') return;
    // Nothing wanted, nothing left, nothing moving (bench:scale's thousands of idle services): every
    // tick visits every service, so this is what a tick costs at 10,000 of them.
    if (
      primary.desiredCount === 0 &&
      service.tasks.length === 0 &&
      service.deployments.length === 1 &&
      primary.rolloutState !== 'IN_PROGRESS' &&
      service.serviceDeployments.every((record) => isFinished(record) || record.lifecycleStage === undefined)
    )
      return;
    const tasksOf = (deployment: LocalDeployment) =>
      service.tasks.filter((task) => task.deploymentId === deployment.id);
    const primaryLive = tasksOf(primary).filter(isLive);
    this.#shift.advance(service);
    if (this.#rollingRollback(service, primary)) return;

    const shifting = this.#shift.owns(service, primary);
    if (primary.rolloutState === 'IN_PROGRESS' && service.circuitBreaker.enable && !shifting) {
      if (primary.failedTasks >= this.#options.timing.circuitBreakerThreshold) {
        this.#failDeployment(
          service,
          primary,
          'ECS deployment circuit breaker: tasks failed to start.',
          service.circuitBreaker.rollback,
        );
        return;
      }
    }

    if (primary.rolloutState !== 'FAILED' && !this.#shift.holdsScaleUp(service, primary)) {
      const missing = primary.desiredCount - primaryLive.length;
      if (missing > 0) this.#startTasks(service, primary, missing);
      if (missing < 0)
        this.#stopTasks(
          service,
          primaryLive.slice(missing),
          `Scaling activity initiated by (deployment ${primary.id})`,
        );
    }

    if (primary.rolloutState !== 'IN_PROGRESS') {
      this.#dropDrainedDeployments(service, primary);
      return;
    }
    // BLUE_GREEN, LINEAR and CANARY finish through their lifecycle stages (traffic-shift.ts).
    if (shifting) return;
    const healthy = primaryLive.filter((task) => task.lastStatus === 'RUNNING').length;
    if (healthy < primary.desiredCount) return;

    // The new deployment is healthy: drain everything older, then declare completion.
    const olderLive = service.tasks.filter((task) => task.deploymentId !== primary.id && isLive(task));
    if (olderLive.length > 0) {
      this.#stopTasks(service, olderLive, `Deployment replaced by ${primary.id}`);
      return;
    }
    const draining = service.tasks.some(
      (task) => task.deploymentId !== primary.id && task.lastStatus !== 'STOPPED',
    );
    if (draining) return;
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = new Date();
    this.#dropDrainedDeployments(service, primary);
    service.lastCompletedTaskDefinitionArn = primary.taskDefinitionArn;
    const record = recordOf(service, primary);
    if (record && !isFinished(record))
      finish(record, record.status === 'ROLLBACK_IN_PROGRESS' ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL');
    addEvent(service, `(deployment ${primary.id}) deployment completed.`);
    addEvent(service, 'has reached a steady state.');
    this.#options.onDeploymentStateChange?.(service, primary);
    this.#options.logger.info({ service: service.name, deployment: primary.id }, 'deployment completed');
  }

  /**
   * A ROLLING deployment rolls back on StopServiceDeployment (ROLLBACK_REQUESTED) or when one of its
   * alarms is in ALARM ("CloudWatch alarms [...] roll back" with alarms.rollback, else it fails),
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html.
   */
  #rollingRollback(service: LocalService, primary: LocalDeployment): boolean {
    const record = recordOf(service, primary);
    if (!record || record.lifecycleStage !== undefined || primary.rolloutState !== 'IN_PROGRESS')
      return false;
    if (record.status === 'ROLLBACK_REQUESTED') {
      this.#failDeployment(service, primary, record.requestedRollback ?? 'Rollback requested.', true);
      return true;
    }
    const alarms =
      record.status === 'IN_PROGRESS' ? triggeredAlarms(record, (name) => this.#alarmState(name)) : [];
    if (alarms.length === 0) return false;
    if (record.alarms) {
      record.alarms.status = 'TRIGGERED';
      record.alarms.triggeredAlarmNames = alarms;
    }
    this.#failDeployment(
      service,
      primary,
      `CloudWatch alarm ${alarms.join(', ')} in ALARM state.`,
      record.settings.alarms?.rollback === true,
    );
    return true;
  }

  #failDeployment(service: LocalService, primary: LocalDeployment, reason: string, rollback: boolean): void {
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = reason;
    primary.updatedAt = new Date();
    // "tasks failed to start." for the circuit breaker, as ECS words the service event.
    addEvent(
      service,
      `(deployment ${primary.id}) deployment failed: ${reason.replace(/^ECS deployment circuit breaker: /, '')}`,
    );
    this.#options.onDeploymentStateChange?.(service, primary);
    this.#options.logger.warn({ service: service.name, deployment: primary.id, reason }, 'deployment failed');
    this.#stopTasks(
      service,
      service.tasks.filter((task) => task.deploymentId === primary.id && isLive(task)),
      `Deployment failed: ${reason}`,
    );
    const target = service.lastCompletedTaskDefinitionArn;
    const record = recordOf(service, primary);
    if (!rollback || !target) {
      if (record && !isFinished(record)) finish(record, rollback ? 'ROLLBACK_FAILED' : 'STOPPED', reason);
      return;
    }
    primary.status = 'ACTIVE';
    for (const other of service.deployments) if (other.status === 'PRIMARY') other.status = 'ACTIVE';
    const rollbackDeployment = newDeployment(target, service.desiredCount, service);
    rollbackDeployment.rolloutStateReason = `${reason} Rolling back to deployment of ${target}.`;
    rollbackDeployment.targetGroupArn = productionTargetGroup(service);
    if (record) {
      const revision = record.sources[0]?.revisionArn ?? rollbackDeployment.serviceRevisionArn;
      rollbackDeployment.serviceRevisionArn = revision;
      rollbackDeployment.serviceDeploymentArn = record.arn;
      record.status = 'ROLLBACK_IN_PROGRESS';
      record.statusReason = reason;
      record.rollback = { reason, startedAt: new Date(), serviceRevisionArn: revision };
      record.updatedAt = new Date();
    }
    service.deployments.unshift(rollbackDeployment);
    this.#options.onDeploymentStateChange?.(service, rollbackDeployment);
    addEvent(
      service,
      `(deployment ${primary.id}) rolling back to ${target} in deployment ${rollbackDeployment.id}.`,
    );
    this.#options.logger.info(
      { service: service.name, deployment: rollbackDeployment.id, taskDefinition: target },
      'rolling back',
    );
    this.kick();
  }

  /** Older deployments without running tasks leave the list (they become INACTIVE). */
  #dropDrainedDeployments(service: LocalService, primary: LocalDeployment): void {
    if (primary.rolloutState === 'IN_PROGRESS') return;
    for (const deployment of [...service.deployments]) {
      if (deployment === primary) continue;
      const stillRunning = service.tasks.some(
        (task) => task.deploymentId === deployment.id && task.lastStatus !== 'STOPPED',
      );
      // While a FAILED primary has no rollback, the previous deployment keeps serving.
      if (primary.rolloutState === 'FAILED' && stillRunning) continue;
      if (stillRunning) {
        this.#stopTasks(
          service,
          service.tasks.filter((task) => task.deploymentId === deployment.id && isLive(task)),
          'Deployment drained',
        );
        continue;
      }
      deployment.status = 'INACTIVE';
      service.deployments.splice(service.deployments.indexOf(deployment), 1);
    }
  }

  #startTasks(service: LocalService, deployment: LocalDeployment, count: number): void {
    const definition = this.#options.taskDefinition(deployment.taskDefinitionArn);
    const container = definition?.containerDefinitions[0];
    if (!definition || !container) {
      deployment.failedTasks += count;
      return;
    }
    const started: LocalTask[] = [];
    for (let index = 0; index < count; index += 1) {
      const id = crypto.randomUUID().replaceAll('-', '');
      const task: LocalTask = {
        id,
        arn: `${ECS_ARN_PREFIX}:task/${service.clusterName}/${id}`,
        deploymentId: deployment.id,
        ...(deployment.targetGroupArn ? { targetGroupArn: deployment.targetGroupArn } : {}),
        taskDefinitionArn: definition.arn,
        containerName: container.name,
        containerPort: container.portMappings?.[0]?.containerPort ?? 0,
        hostPort: 0,
        image: container.image,
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        healthStatus: 'UNKNOWN',
        createdAt: new Date(),
      };
      service.tasks.push(task);
      started.push(task);
      void this.#runTask(service, deployment, definition, task);
    }
    addEvent(service, `has started ${count} tasks: ${started.map((task) => `(task ${task.id})`).join(' ')}.`);
  }

  async #runTask(
    service: LocalService,
    deployment: LocalDeployment,
    definition: LocalTaskDefinition,
    task: LocalTask,
  ): Promise<void> {
    const container = definition.containerDefinitions[0];
    const logger = this.#options.logger.child({ service: service.name, task: task.id });
    try {
      const resolved = this.#options.resolveImage(task.image);
      task.imageDigest = resolved.digest;
      task.hostPort = await freePort();
      if (task.desiredStatus === 'STOPPED' || this.#stopped) {
        this.#markStopped(service, task, 'Task stopped before it started');
        return;
      }
      const env: Record<string, string> = {};
      for (const entry of container?.environment ?? []) {
        if (entry.name) env[entry.name] = entry.value ?? '';
      }
      env.PORT = String(task.hostPort);
      env.HOST = '127.0.0.1';
      const child = new TaskProcess({
        command: resolved.command,
        env,
        port: task.hostPort,
        healthPath: healthPathOf(container?.healthCheck?.command),
        onExit: (code, signal) => {
          task.exitCode = containerExitCode(code, signal);
          const expected = task.desiredStatus === 'STOPPED';
          if (!expected) {
            const last = task.process?.output.at(-1);
            logger.warn({ code, signal, lastOutput: last }, 'task exited');
            task.stopCode ??= STOP.essentialExited.code;
          }
          this.#markStopped(service, task, task.stoppedReason ?? STOP.essentialExited.reason);
          if (!expected && deployment.rolloutState === 'IN_PROGRESS') {
            deployment.failedTasks += task.startedAt ? 0 : 1;
          }
          this.kick();
        },
      });
      task.process = child;
      task.lastStatus = 'PENDING';
      logger.info({ pid: child.pid, port: task.hostPort, image: task.image }, 'task process started');
      const healthy = await child.waitHealthy(
        this.#options.timing.healthTimeoutMs,
        this.#options.timing.healthPollMs,
      );
      if (healthy && task.desiredStatus === 'RUNNING') {
        task.lastStatus = 'RUNNING';
        task.healthStatus = 'HEALTHY';
        task.startedAt = new Date();
        logger.info({ port: task.hostPort }, 'task healthy');
        this.kick();
        return;
      }
      if (child.status !== 'exited' && task.desiredStatus === 'RUNNING') {
        // Never became healthy: ECS replaces it, and it counts towards the circuit breaker.
        task.healthStatus = 'UNHEALTHY';
        task.stoppedReason = 'Task failed container health checks';
        task.stopCode = STOP.scheduler.code;
        task.desiredStatus = 'STOPPED';
        if (deployment.rolloutState === 'IN_PROGRESS') deployment.failedTasks += 1;
        await child.stop(this.#options.timing.stopGraceMs);
      }
    } catch (error) {
      logger.error({ err: error }, 'task could not start');
      if (deployment.rolloutState === 'IN_PROGRESS') deployment.failedTasks += 1;
      task.stopCode = STOP.failedToStart.code;
      task.containerReason = `${STOP.failedToStart.reason}: ${error instanceof Error ? error.message : String(error)}`;
      this.#markStopped(service, task, STOP.failedToStart.reason);
      this.kick();
    }
  }

  #stopTasks(service: LocalService, tasks: LocalTask[], reason: string): void {
    if (tasks.length === 0) return;
    for (const task of tasks) {
      task.desiredStatus = 'STOPPED';
      task.stoppedReason = reason;
      task.stopCode = STOP.scheduler.code;
      if (task.lastStatus === 'RUNNING') task.lastStatus = 'DEPROVISIONING';
      if (task.process) void task.process.stop(this.#options.timing.stopGraceMs);
      else if (task.lastStatus !== 'PROVISIONING') this.#markStopped(service, task, reason);
    }
    addEvent(
      service,
      `has stopped ${tasks.length} running tasks: ${tasks.map((task) => `(task ${task.id})`).join(' ')}.`,
    );
  }

  #markStopped(service: LocalService, task: LocalTask, reason: string): void {
    if (task.lastStatus === 'STOPPED') return;
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppedAt = new Date();
    task.stoppedReason = task.stoppedReason ?? reason;
    const stopped = service.tasks.filter((candidate) => candidate.lastStatus === 'STOPPED');
    if (stopped.length > MAX_STOPPED_TASKS) {
      const oldest = stopped[0];
      if (oldest) service.tasks.splice(service.tasks.indexOf(oldest), 1);
    }
  }
}
