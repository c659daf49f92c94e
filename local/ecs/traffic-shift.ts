// BLUE_GREEN, LINEAR and CANARY deployments: the green revision's tasks start in the alternate target
// group while blue keeps production, then the deployment walks the lifecycle stages (scale up, test
// traffic, production traffic in one step, a canary step or linear steps, bake time, clean up), with
// CloudWatch-alarm rollback, PAUSE hooks and StopServiceDeployment rollback. Stage order and meaning:
// API_ServiceDeployment.html lifecycleStage; "Amazon ECS blue/green service deployments workflow"
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html),
// canary-deployment.html ("traffic is shifted in two phases: first to the canary percentage, then to
// complete the deployment"), deployment-type-linear.html ("equal percentage increments with configurable
// wait times between each increment"; the step bake time "is not applied after reaching 100 percent").
import type { Logger } from 'pino';
import { isTrafficShift } from './deployment-configuration.ts';
import type { LocalDeployment, LocalService, LocalTask } from './model.ts';
import {
  finish,
  isFinished,
  LIFECYCLE_STAGES,
  type LifecycleStage,
  type LocalServiceDeployment,
} from './service-deployments.ts';
import { greenTargetGroup, productionTargetGroup, shiftProduction } from './traffic.ts';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface TrafficShiftOptions {
  /** Length of one "minute" of bake time, canary bake and linear step bake (tests: a few ms). */
  minuteMs: number;
  alarmState: (name: string) => AlarmState;
  stopTasks: (service: LocalService, tasks: LocalTask[], reason: string) => void;
  /** A deployment's rolloutState changed (the EventBridge "ECS Deployment State Change" event). */
  stateChanged: (service: LocalService, deployment: LocalDeployment) => void;
  event: (service: LocalService, message: string) => void;
  logger: Logger;
}

const isLiveTask = (task: LocalTask) => task.lastStatus !== 'STOPPED' && task.desiredStatus === 'RUNNING';

/** The green production percentages one after another: [100], [canary, 100], [s, 2s, ..., 100]. */
export function productionSteps(record: LocalServiceDeployment): number[] {
  const { canaryConfiguration: canary, linearConfiguration: linear, strategy } = record.settings;
  if (strategy === 'CANARY' && canary)
    return canary.canaryPercent >= 100 ? [100] : [canary.canaryPercent, 100];
  if (strategy === 'LINEAR' && linear) {
    const steps: number[] = [];
    for (let share = linear.stepPercent; share < 100 - 1e-9; share += linear.stepPercent)
      steps.push(Math.round(share * 10) / 10);
    return [...steps, 100];
  }
  return [100];
}

/** Minutes to wait after a production step before the next one. */
function stepBakeMinutes(record: LocalServiceDeployment): number {
  const { canaryConfiguration: canary, linearConfiguration: linear, strategy } = record.settings;
  if (strategy === 'CANARY') return canary?.canaryBakeTimeInMinutes ?? 0;
  if (strategy === 'LINEAR') return linear?.stepBakeTimeInMinutes ?? 0;
  return 0;
}

/** Names of the deployment's alarms that are in ALARM (empty when alarms are off). */
export function triggeredAlarms(
  record: LocalServiceDeployment,
  alarmState: (name: string) => AlarmState,
): string[] {
  const alarms = record.settings.alarms;
  if (!alarms?.enable) return [];
  return alarms.alarmNames.filter((name) => alarmState(name) === 'ALARM');
}

export class TrafficShiftEngine {
  readonly #options: TrafficShiftOptions;

  constructor(options: TrafficShiftOptions) {
    this.#options = options;
  }

  /** Sets up a new deployment of a traffic-shift service: its tasks go to the green target group. */
  begin(service: LocalService, deployment: LocalDeployment, record: LocalServiceDeployment): void {
    if (!isTrafficShift(record.settings.strategy)) return;
    const blue = productionTargetGroup(service);
    const green = greenTargetGroup(service) ?? blue;
    // A deployment that replaced an unfinished shift starts from production on blue again.
    shiftProduction(service, blue, green, 0);
    service.traffic.testTargetGroupArn = blue;
    record.blueTargetGroupArn = blue;
    record.greenTargetGroupArn = green;
    deployment.targetGroupArn = green;
    this.#enter(service, record, record.sources.length > 1 ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP');
  }

  /** True while a traffic-shift deployment must not start its tasks yet (before SCALE_UP). */
  holdsScaleUp(service: LocalService, deployment: LocalDeployment): boolean {
    const record = this.#recordOf(service, deployment);
    return record?.lifecycleStage === 'RECONCILE_SERVICE' || record?.lifecycleStage === 'PRE_SCALE_UP';
  }

  /** True when `deployment` is run by this engine (the scheduler leaves its completion alone). */
  owns(service: LocalService, deployment: LocalDeployment): boolean {
    return this.#recordOf(service, deployment)?.lifecycleStage !== undefined;
  }

  /** One step of every unfinished traffic-shift deployment of the service. */
  advance(service: LocalService): void {
    for (const record of service.serviceDeployments) {
      if (isFinished(record) || record.lifecycleStage === undefined) continue;
      // A rolled-back green deployment leaves the list once its tasks stopped (the scheduler drains it).
      if (record.status === 'ROLLBACK_IN_PROGRESS') {
        this.#finishRollback(service, record);
        continue;
      }
      const green = service.deployments.find((deployment) => deployment.id === record.targetDeploymentId);
      if (!green) {
        finish(record, 'STOPPED', 'The deployment left the service.');
        continue;
      }
      if (record.status === 'ROLLBACK_REQUESTED')
        this.#startRollback(service, record, green, record.requestedRollback ?? 'Rollback requested.');
      else if (record.status === 'IN_PROGRESS') this.#step(service, record, green);
    }
  }

  #recordOf(service: LocalService, deployment: LocalDeployment): LocalServiceDeployment | undefined {
    return service.serviceDeployments.find((record) => record.arn === deployment.serviceDeploymentArn);
  }

  #step(service: LocalService, record: LocalServiceDeployment, green: LocalDeployment): void {
    const alarms = triggeredAlarms(record, this.#options.alarmState);
    if (alarms.length > 0 && record.lifecycleStage !== 'CLEAN_UP') {
      this.#alarmed(service, record, green, alarms);
      return;
    }
    const stage = record.lifecycleStage as LifecycleStage;
    if (!this.#stageDone(service, record, green, stage)) return;
    if (!this.#hookReleased(service, record, green, stage)) return;
    if (stage === 'CLEAN_UP') {
      this.#complete(service, record, green);
      return;
    }
    const next = LIFECYCLE_STAGES[LIFECYCLE_STAGES.indexOf(stage) + 1] as LifecycleStage;
    this.#enter(service, record, next);
  }

  #enter(service: LocalService, record: LocalServiceDeployment, stage: LifecycleStage): void {
    const now = new Date();
    record.lifecycleStage = stage;
    record.stageEnteredAt = now;
    record.updatedAt = now;
    const hook = record.settings.lifecycleHooks.find((candidate) =>
      candidate.lifecycleStages.includes(stage),
    );
    if (hook)
      record.hooks.push({
        hookId: crypto.randomUUID(),
        stage,
        status: 'AWAITING_ACTION',
        expiresAt: new Date(now.getTime() + hook.timeoutInMinutes * this.#options.minuteMs),
        timeoutAction: hook.timeoutAction,
      });
    const green = record.greenTargetGroupArn as string;
    const blue = record.blueTargetGroupArn as string;
    if (stage === 'TEST_TRAFFIC_SHIFT') {
      service.traffic.testTargetGroupArn = green;
      record.greenTestPercent = 100;
    }
    if (stage === 'PRODUCTION_TRAFFIC_SHIFT') this.#shift(service, record, blue, green, 0);
    if (stage === 'CLEAN_UP') {
      const blueTasks = service.tasks.filter(
        (task) => task.deploymentId !== record.targetDeploymentId && isLiveTask(task),
      );
      this.#options.stopTasks(
        service,
        blueTasks,
        `Service deployment clean up (deployment ${record.targetDeploymentId})`,
      );
    }
    this.#options.logger.info(
      { service: service.name, stage, strategy: record.settings.strategy, greenPercent: record.greenPercent },
      'service deployment stage',
    );
  }

  /** Moves production to the next step's weight and schedules the one after. */
  #shift(
    service: LocalService,
    record: LocalServiceDeployment,
    blue: string,
    green: string,
    index: number,
  ): void {
    const steps = productionSteps(record);
    const percent = steps[index] ?? 100;
    shiftProduction(service, blue, green, percent);
    record.greenPercent = percent;
    record.updatedAt = new Date();
    record.nextShiftAt = new Date(Date.now() + stepBakeMinutes(record) * this.#options.minuteMs);
    this.#options.event(
      service,
      `(service deployment ${record.arn}) shifted ${percent}% of production traffic to ${green}.`,
    );
  }

  #stageDone(
    service: LocalService,
    record: LocalServiceDeployment,
    green: LocalDeployment,
    stage: LifecycleStage,
  ): boolean {
    const elapsed = Date.now() - record.stageEnteredAt.getTime();
    switch (stage) {
      case 'SCALE_UP': {
        const healthy = service.tasks.filter(
          (task) => task.deploymentId === green.id && task.lastStatus === 'RUNNING' && isLiveTask(task),
        );
        return healthy.length >= green.desiredCount;
      }
      case 'PRODUCTION_TRAFFIC_SHIFT': {
        // The step bake time "is not applied after reaching 100 percent traffic".
        if (record.greenPercent >= 100) return true;
        if (record.nextShiftAt && Date.now() < record.nextShiftAt.getTime()) return false;
        const index = productionSteps(record).findIndex((share) => share > record.greenPercent + 1e-9);
        this.#shift(
          service,
          record,
          record.blueTargetGroupArn as string,
          record.greenTargetGroupArn as string,
          index,
        );
        return record.greenPercent >= 100;
      }
      case 'BAKE_TIME':
        return elapsed >= (record.settings.bakeTimeInMinutes ?? 0) * this.#options.minuteMs;
      case 'CLEAN_UP':
        return !service.tasks.some((task) => task.deploymentId !== green.id && task.lastStatus !== 'STOPPED');
      default:
        return true;
    }
  }

  /** A PAUSE hook at this stage holds it until continued; on timeout its action applies. */
  #hookReleased(
    service: LocalService,
    record: LocalServiceDeployment,
    green: LocalDeployment,
    stage: LifecycleStage,
  ): boolean {
    const hook = record.hooks.find(
      (candidate) => candidate.stage === stage && candidate.status === 'AWAITING_ACTION',
    );
    if (!hook) return true;
    if (Date.now() < hook.expiresAt.getTime()) return false;
    hook.status = 'TIMED_OUT';
    if (hook.timeoutAction === 'CONTINUE') return true;
    this.#startRollback(service, record, green, `The ${stage} lifecycle hook timed out.`);
    return false;
  }

  #alarmed(
    service: LocalService,
    record: LocalServiceDeployment,
    green: LocalDeployment,
    alarms: string[],
  ): void {
    if (record.alarms) {
      record.alarms.status = 'TRIGGERED';
      record.alarms.triggeredAlarmNames = alarms;
    }
    const reason = `CloudWatch alarm ${alarms.join(', ')} in ALARM state.`;
    if (record.settings.alarms?.rollback) {
      this.#startRollback(service, record, green, reason);
      return;
    }
    green.rolloutState = 'FAILED';
    green.rolloutStateReason = reason;
    green.updatedAt = new Date();
    finish(record, 'STOPPED', reason);
    this.#options.stateChanged(service, green);
  }

  #complete(service: LocalService, record: LocalServiceDeployment, green: LocalDeployment): void {
    const now = new Date();
    green.rolloutState = 'COMPLETED';
    green.rolloutStateReason = `ECS deployment ${green.id} completed.`;
    green.updatedAt = now;
    for (const other of [...service.deployments]) {
      if (other === green) continue;
      other.status = 'INACTIVE';
      service.deployments.splice(service.deployments.indexOf(other), 1);
    }
    service.lastCompletedTaskDefinitionArn = green.taskDefinitionArn;
    finish(record, 'SUCCESSFUL', `Service deployment ${record.settings.strategy} completed.`);
    this.#options.event(service, `(deployment ${green.id}) deployment completed.`);
    this.#options.event(service, 'has reached a steady state.');
    this.#options.stateChanged(service, green);
    this.#options.logger.info(
      { service: service.name, deployment: green.id, strategy: record.settings.strategy },
      'deployment completed',
    );
  }

  /** Production and test traffic back to blue, green's tasks stopped, blue PRIMARY again. */
  #startRollback(
    service: LocalService,
    record: LocalServiceDeployment,
    green: LocalDeployment,
    reason: string,
  ): void {
    const now = new Date();
    const source = record.sources[0];
    const blue = service.deployments.find((deployment) => deployment.id === source?.deploymentId);
    record.rollback = { reason, startedAt: now, serviceRevisionArn: source?.revisionArn ?? '' };
    record.statusReason = reason;
    record.updatedAt = now;
    if (!blue) {
      finish(record, 'ROLLBACK_FAILED', `${reason} No earlier service revision to roll back to.`);
      return;
    }
    record.status = 'ROLLBACK_IN_PROGRESS';
    const blueGroup = record.blueTargetGroupArn as string;
    shiftProduction(service, blueGroup, record.greenTargetGroupArn as string, 0);
    service.traffic.testTargetGroupArn = blueGroup;
    record.greenPercent = 0;
    record.greenTestPercent = 0;
    green.rolloutState = 'FAILED';
    green.rolloutStateReason = `Service deployment rolled back: ${reason}`;
    green.status = 'ACTIVE';
    green.updatedAt = now;
    blue.status = 'PRIMARY';
    blue.updatedAt = now;
    this.#options.stopTasks(
      service,
      service.tasks.filter((task) => task.deploymentId === green.id && isLiveTask(task)),
      `Service deployment rolled back: ${reason}`,
    );
    this.#options.event(
      service,
      `(service deployment ${record.arn}) rolling back to ${source?.revisionArn}: ${reason}`,
    );
    this.#options.stateChanged(service, green);
    this.#options.logger.warn(
      { service: service.name, deployment: green.id, reason },
      'service deployment rolling back',
    );
  }

  #finishRollback(service: LocalService, record: LocalServiceDeployment): void {
    const greenId = record.targetDeploymentId;
    if (service.tasks.some((task) => task.deploymentId === greenId && task.lastStatus !== 'STOPPED')) return;
    const blue = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
    const healthy = service.tasks.filter(
      (task) => task.deploymentId === blue?.id && task.lastStatus === 'RUNNING' && isLiveTask(task),
    );
    if (!blue || healthy.length < blue.desiredCount) return;
    finish(record, 'ROLLBACK_SUCCESSFUL', record.rollback?.reason);
    this.#options.event(service, `(service deployment ${record.arn}) rollback completed.`);
    this.#options.stateChanged(service, blue);
  }
}
