// Waits on a deployer runtime's status, or on any condition: for tests that drive a runtime (over the
// fakes or over a local world) and wait for what it reports, never for a fixed time.
import type { DeployerStatus, ServiceStatus } from '../../deployer/contract/status-model.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';

/** Waits (10 ms steps, real time) until the status satisfies `done`; fails with the status after timeoutMs. */
export async function untilStatus(
  runtime: Pick<DeployerRuntime, 'status'>,
  done: (status: DeployerStatus) => boolean,
  timeoutMs = 5_000,
): Promise<DeployerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = runtime.status();
    if (done(status)) return status;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; status: ${JSON.stringify(status, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the named service's status satisfies `done`, and returns that status. */
export async function untilService(
  runtime: Pick<DeployerRuntime, 'status'>,
  service: string,
  done: (status: ServiceStatus) => boolean,
  timeoutMs = 12_000,
): Promise<ServiceStatus> {
  const matches = (status: DeployerStatus) => status.services.find((s) => s.name === service);
  const status = await untilStatus(
    runtime,
    (all) => {
      const one = matches(all);
      return one !== undefined && done(one);
    },
    timeoutMs,
  );
  return matches(status) as ServiceStatus;
}

/** Waits (5 ms steps, real time) until `done` holds: a drained queue, a call seen; fails after timeoutMs. */
export async function until(done: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
