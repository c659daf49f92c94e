import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_PORTS, LOCAL_PORT_VARIABLES, localStackValues } from '../../../local/world.ts';
import { localPortsFromEnv, localWorldOptionsFromEnv } from '../../../local/world-options-from-env.ts';

// LocalStack's edge port and the range it gives external services (docs.localstack.cloud,
// "External Service Port Range": 4510-4559).
const LOCALSTACK_PORTS = [4566, ...Array.from({ length: 50 }, (_, index) => 4510 + index)];

describe('the local world default ports', () => {
  it('stay clear of LocalStack, so both can run on one machine', () => {
    for (const port of Object.values(DEFAULT_LOCAL_PORTS)) expect(LOCALSTACK_PORTS).not.toContain(port);
  });

  it('are distinct, and each has the variable that moves it', () => {
    const ports = Object.values(DEFAULT_LOCAL_PORTS);
    expect(new Set(ports).size).toBe(ports.length);
    const moved = localPortsFromEnv(
      Object.fromEntries(Object.values(LOCAL_PORT_VARIABLES).map((variable) => [variable, '0'])),
    );
    expect(Object.values(moved)).toEqual(ports.map(() => 0));
  });
});

describe('LOCAL_ENVIRONMENTS', () => {
  it('seeds one actors service per listed environment, named by its stack value', () => {
    expect(localWorldOptionsFromEnv({ LOCAL_ENVIRONMENTS: 'staging, prod-eu' }).environments).toEqual([
      'staging',
      'prod-eu',
    ]);
    expect(localWorldOptionsFromEnv({}).environments).toBeUndefined();
    const values = localStackValues(
      undefined,
      new Map([
        ['staging', 'http://127.0.0.1:1'],
        ['prod-eu', 'http://127.0.0.1:2'],
      ]),
    );
    expect(values).toMatchObject({ StagingUrl: 'http://127.0.0.1:1', ProdEuUrl: 'http://127.0.0.1:2' });
  });

  it('refuses a name that is not an environment name, or a repeat, saying what it wants', () => {
    for (const value of ['Staging', 'staging,staging', 'staging,,production'])
      expect(() => localWorldOptionsFromEnv({ LOCAL_ENVIRONMENTS: value })).toThrow(
        /must list distinct environment names separated by commas/,
      );
  });
});
