// In-memory VerifyProbe: answers 200 with a VersionReport whose digest the test controls.
import type { VerifyProbe } from '../../deployer/ports.ts';
import type { CallCounter } from './call-counter.ts';

export class FakeProbe implements VerifyProbe {
  readonly #counter: CallCounter;
  readonly #digestOf: (url: string) => string | null;

  constructor(counter: CallCounter, digestOf: (url: string) => string | null) {
    this.#counter = counter;
    this.#digestOf = digestOf;
  }

  async get(url: string, _signal: AbortSignal): Promise<{ status: number; body: unknown }> {
    this.#counter.record('http:Verify');
    return {
      status: 200,
      body: { digest: this.#digestOf(url), revision: null, image: null, version: '0.0.0' },
    };
  }
}
