// In-memory ReleaseRecordPort following SSM PutParameter with Overwrite true: a record replaces the
// service's earlier one and bumps its version
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
import type { ReleaseRecord, ReleaseRecordPort } from '../../../deployer/ports.ts';
import { CallCounter } from './call-counter.ts';
import { type PlannedFailure, throwIfPlanned } from './planned-failure.ts';

export class FakeReleaseRecords implements ReleaseRecordPort {
  /** The newest record of each service, with how many times it was written. */
  readonly records = new Map<string, ReleaseRecord & { version: number }>();
  readonly counter: CallCounter;
  /** Throws `error` from a call of `method`, once, after letting `skip` calls through. */
  failNext: PlannedFailure<keyof ReleaseRecordPort> | undefined;

  constructor(options: { counter?: CallCounter } = {}) {
    this.counter = options.counter ?? new CallCounter();
  }

  async recordServed(service: string, record: ReleaseRecord, _signal?: AbortSignal): Promise<void> {
    this.counter.record('ssm:PutParameter');
    throwIfPlanned(this, 'recordServed');
    const version = (this.records.get(service)?.version ?? 0) + 1;
    this.records.set(service, { image: record.image, version });
  }
}
