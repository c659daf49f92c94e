// A port that is already taken stops the start with a message naming the component that wanted
// it and the variable that moves it, for the local world's servers and the deployer's own port.
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalWorld } from '../../../local/world.ts';
import { ANY_FREE_LOCAL_PORTS } from '../../support/free-local-ports.ts';
import { startServiceProcess } from '../service/support/service-process.ts';
import { quietLogger } from './helpers.ts';

const blockers: Server[] = [];

async function takenPort(): Promise<number> {
  const blocker = createServer();
  blockers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  return typeof address === 'object' && address ? address.port : 0;
}

afterAll(() => {
  for (const blocker of blockers) blocker.close();
});

describe('a port clash', () => {
  it.each([
    ['ecs', 'The local ECS stand-in', 'LOCAL_ECS_PORT'],
    ['sqs', 'The local SQS (fauxqs)', 'LOCAL_SQS_PORT'],
    ['actors', "The local load balancer of 'actors'", 'LOCAL_ACTORS_PORT'],
  ] as const)('on the %s port names %s and %s', async (key, component, variable) => {
    const port = await takenPort();
    const started = startLocalWorld({ ports: { [key]: port }, logger: quietLogger, waitForSeed: false });
    await expect(started).rejects.toMatchObject({
      name: 'PortInUseError',
      code: 'EADDRINUSE',
      message: `${component} cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE: another program, or another run of this one). Set ${variable} to a free port, or ${variable}=0 for any free port.`,
    });
  });

  // (Also the claim of local-mode.test.ts's "exits 1 with the reason when the port is taken", which
  // started one more local-mode deployer for it.) The world's tasks are not the claim: the echo task.
  it("on the deployer's PORT in local mode: exit 1, and stderr names the HTTP server and PORT", async () => {
    const port = await takenPort();
    const deployer = startServiceProcess(
      {
        HOME: process.env.HOME ?? '/tmp',
        DEPLOYER_MODE: 'local',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...ANY_FREE_LOCAL_PORTS,
        LOCAL_USE_ECHO_TASK: '1',
        LOG_FORMAT: 'json',
      },
      { script: 'deployer/main.ts' },
    );
    expect((await deployer.exited).code).toBe(1);
    expect(deployer.stderr()).toContain(
      `deployer cannot start: The deployer's HTTP server cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE`,
    );
    expect(deployer.stderr()).toContain('Set PORT to a free port, or PORT=0 for any free port.');
  }, 90_000);
});
