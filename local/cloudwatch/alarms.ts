// CloudWatch alarm states for the local world: what ECS reads when a deployment's
// deploymentConfiguration.alarms names alarms ("Amazon ECS monitors the alarms [...] and rolls back when
// one is in the ALARM state", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html).
// Tests and users set a state (world.setAlarm, PUT /_local/alarms/<name>); an unknown alarm reads
// INSUFFICIENT_DATA, as a CloudWatch alarm without data does (StateValue, API_MetricAlarm.html).
import type { AlarmState } from '../ecs/traffic-shift.ts';

export const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export class AlarmStore {
  readonly #states = new Map<string, AlarmState>();

  set(name: string, state: AlarmState): void {
    if (name === '') throw new Error('an alarm needs a name');
    if (!ALARM_STATES.includes(state))
      throw new Error(`alarm state must be one of ${ALARM_STATES.join(', ')}`);
    this.#states.set(name, state);
  }

  state(name: string): AlarmState {
    return this.#states.get(name) ?? 'INSUFFICIENT_DATA';
  }

  all(): Record<string, AlarmState> {
    return Object.fromEntries(this.#states);
  }
}
