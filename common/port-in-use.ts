// A listen() that fails because the port is taken says which component wanted it and which
// environment variable moves it, instead of Node's bare `listen EADDRINUSE: address already in use`.

export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  readonly component: string;
  readonly port: number;
  readonly variable: string;

  constructor(component: string, address: string, port: number, variable: string, cause: unknown) {
    super(
      `${component} cannot listen on ${address}:${port}: the port is in use (EADDRINUSE: another program, or ` +
        `another run of this one). Set ${variable} to a free port, or ${variable}=0 for any free port.`,
      { cause },
    );
    this.name = 'PortInUseError';
    this.component = component;
    this.port = port;
    this.variable = variable;
  }
}

export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** Runs `listen`; an EADDRINUSE becomes a PortInUseError naming `component` and `variable`. */
export async function listenOrExplain<T>(
  listen: () => Promise<T>,
  where: { component: string; address: string; port: number; variable: string },
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if (!isAddressInUse(error) || error instanceof PortInUseError) throw error;
    throw new PortInUseError(where.component, where.address, where.port, where.variable, error);
  }
}
