// The moto helper: a machine without moto fails the moto tests with a message that says what to do.
import { describe, expect, it } from 'vitest';
import { MOTO_MAJOR, motoVersion } from '../support/moto-server.ts';
import { selectedWorlds } from './worlds.ts';

describe('motoVersion', () => {
  it('names the missing interpreter and how to install moto', async () => {
    await expect(motoVersion('/nonexistent/python3')).rejects.toThrow(
      /moto is not available.*pip install 'moto\[server\]>=5,<6'/s,
    );
  });

  it.runIf(selectedWorlds().includes('moto'))(
    `finds moto ${MOTO_MAJOR}.x on the machine's python3`,
    async () => {
      expect(await motoVersion()).toMatch(new RegExp(`^${MOTO_MAJOR}\\.`));
    },
  );
});
