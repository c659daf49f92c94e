// Every port the local world (and local mode's GitHub stand-in) would take from its fixed default
// (4600-4610, 5080), set to 0 (any free port): a test's world then never collides with a user's
// `npm start` or another world on the same machine. Derived from local/world.ts's own list, so a new
// stand-in is covered without editing each test.
import { LOCAL_PORT_VARIABLES } from '../../local/world.ts';

export const ANY_FREE_LOCAL_PORTS: Readonly<Record<string, string>> = Object.freeze({
  ...Object.fromEntries(Object.values(LOCAL_PORT_VARIABLES).map((variable) => [variable, '0'])),
  LOCAL_GITHUB_PORT: '0',
});
