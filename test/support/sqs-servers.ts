// The real SQS servers the queue adapter tests run against, each on loopback: fauxqs (the emulator the
// local world uses) and moto (the independent referee). A test iterates over them so a behaviour is
// checked the same way on both.
import { buildApp } from 'fauxqs';
import { motoAccount } from './moto-accounts.ts';

export interface SqsServer {
  endpoint: string;
  /** What to sign with: on moto they pick the file's own account (test/support/moto-accounts.ts). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export const SQS_SERVERS: Record<'fauxqs' | 'moto', () => Promise<SqsServer>> = {
  async fauxqs() {
    // startFauxqs() listens on every interface; build the app and listen on loopback (as local/sqs.ts).
    const app = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: 'us-east-1' });
    const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      stop: () => app.close(),
    };
  },
  async moto() {
    const moto = await motoAccount();
    return { endpoint: moto.endpoint, credentials: moto.credentials, stop: () => moto.stop() };
  },
};
