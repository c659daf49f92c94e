// In-memory VerifyProbe: answers like the service behind the load balancer, i.e. the digest the
// completed PRIMARY deployment of the fake ECS runs (a service named by the URL's first host label,
// `http://<service>.test/version`, else `actors`). Replace `answer` to script other replies.
import type { VerifyProbe } from '../../../deployer/ports.ts';
import { CallCounter } from './call-counter.ts';
import type { FakeEcs } from './fake-ecs.ts';

export interface FakeProbeOptions {
  counter?: CallCounter;
}

export class FakeProbe implements VerifyProbe {
  readonly urls: string[] = [];
  readonly counter: CallCounter;
  answer: (url: string, headers?: Record<string, string>) => { status: number; body: unknown };

  constructor(ecs: Pick<FakeEcs, 'servedDigest'>, options: FakeProbeOptions = {}) {
    this.counter = options.counter ?? new CallCounter();
    this.answer = (url) => ({
      status: 200,
      body: { digest: ecs.servedDigest(serviceOf(url)), version: '1.0.0' },
    });
  }

  async get(
    url: string,
    _signal?: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    this.counter.record('http:Verify');
    this.urls.push(url);
    return this.answer(url, headers);
  }
}

function serviceOf(url: string): string {
  const host = URL.canParse(url) ? new URL(url).hostname : '';
  return host.endsWith('.test') ? host.slice(0, -'.test'.length) : 'actors';
}
