// CloudWatch alarm states for the local world: what ECS reads when a deployment's
// deploymentConfiguration.alarms names alarms ("Amazon ECS monitors the alarms [...] and rolls back when
// one is in the ALARM state", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html),
// and what the CloudWatch stand-in (server.ts) answers DescribeAlarms with. Tests and users set a state
// (world.setAlarm, PUT /_local/alarms/<name>), which creates the alarm when needed; PutMetricAlarm creates
// one in INSUFFICIENT_DATA ("When this operation creates an alarm, the alarm state is immediately set to
// INSUFFICIENT_DATA"; an update leaves the state, API_PutMetricAlarm.html). ECS reads an alarm that does
// not exist as INSUFFICIENT_DATA (nothing to roll back for).
import type { AlarmState } from '../ecs/traffic-shift.ts';

export const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export interface LocalAlarm {
  name: string;
  state: AlarmState;
  reason: string;
  updatedAt: Date;
  configurationUpdatedAt: Date;
  /** What PutMetricAlarm said (namespace, metric, threshold...), echoed by DescribeAlarms. */
  definition: Record<string, unknown>;
}

export class AlarmStore {
  readonly #alarms = new Map<string, LocalAlarm>();

  /** Sets a state, creating the alarm when it does not exist (the local world's shortcut). */
  set(name: string, state: AlarmState, reason = `Set to ${state} in the local world`): void {
    if (name === '') throw new Error('an alarm needs a name');
    if (!ALARM_STATES.includes(state))
      throw new Error(`alarm state must be one of ${ALARM_STATES.join(', ')}`);
    const now = new Date();
    const existing = this.#alarms.get(name);
    this.#alarms.set(name, {
      name,
      state,
      reason,
      updatedAt: now,
      configurationUpdatedAt: existing?.configurationUpdatedAt ?? now,
      definition: existing?.definition ?? {},
    });
  }

  /** PutMetricAlarm: a new alarm starts in INSUFFICIENT_DATA; an existing one keeps its state. */
  put(name: string, definition: Record<string, unknown>): void {
    const now = new Date();
    const existing = this.#alarms.get(name);
    this.#alarms.set(name, {
      name,
      state: existing?.state ?? 'INSUFFICIENT_DATA',
      reason: existing?.reason ?? 'Unchecked: Initial alarm creation',
      updatedAt: existing?.updatedAt ?? now,
      configurationUpdatedAt: now,
      definition,
    });
  }

  find(name: string): LocalAlarm | undefined {
    return this.#alarms.get(name);
  }

  delete(name: string): void {
    this.#alarms.delete(name);
  }

  state(name: string): AlarmState {
    return this.#alarms.get(name)?.state ?? 'INSUFFICIENT_DATA';
  }

  all(): Record<string, AlarmState> {
    return Object.fromEntries([...this.#alarms].map(([name, alarm]) => [name, alarm.state]));
  }

  list(): LocalAlarm[] {
    return [...this.#alarms.values()];
  }
}
