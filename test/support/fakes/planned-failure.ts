// "Fail the next call of this method" for any fake: a test sets `failNext = { method, error, skip }`
// and the fake calls `throwIfPlanned` at the top of every port method.

export interface PlannedFailure<Method extends string> {
  method: Method;
  error: Error;
  /** Calls of `method` to let through first. */
  skip?: number;
}

export interface HasPlannedFailure<Method extends string> {
  failNext: PlannedFailure<Method> | undefined;
}

/** Throws the planned error once its call comes (and forgets the plan); otherwise returns. */
export function throwIfPlanned<Method extends string>(fake: HasPlannedFailure<Method>, method: Method): void {
  const plan = fake.failNext;
  if (plan?.method !== method) return;
  if ((plan.skip ?? 0) > 0) {
    plan.skip = (plan.skip ?? 0) - 1;
    return;
  }
  fake.failNext = undefined;
  throw plan.error;
}
