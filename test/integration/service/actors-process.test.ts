import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  killAllServiceProcesses,
  listeningUrl,
  SLOW_REQUEST_PRELOAD,
  startServiceProcess,
} from './support/service-process.ts';

const CREDENTIALS = { ACTORS_AUTH_USER: 'alice', ACTORS_AUTH_PASSWORD: 'pr0cess-test' };
const AUTH = `Basic ${Buffer.from('alice:pr0cess-test').toString('base64')}`;
const LOOPBACK = { HOST: '127.0.0.1', PORT: '0' };

afterAll(killAllServiceProcesses);

describe('node service/main.ts', () => {
  // The three settings problems in one process: settings are read and checked in one place, which
  // reports every problem at once (test/unit/service/settings.test.ts, each alone and together), so a
  // process per problem only paid another node start.
  it('refuses to start without credentials, with an invalid PORT or a bad LOG_LEVEL: exit 1, every problem in one settings line, naming the variables to set, no logger crash', async () => {
    const service = startServiceProcess({ HOST: '127.0.0.1', PORT: 'five-thousand', LOG_LEVEL: 'loud' });
    expect(await service.exited).toEqual({ code: 1, signal: null });
    const fatal = service.logs().find((line) => line.level === 60);
    expect(fatal?.msg).toMatch(/^refusing to start: /);
    expect(fatal?.msg).toContain('ACTORS_AUTH_USER');
    expect(fatal?.msg).toContain('ACTORS_AUTH_PASSWORD');
    expect(fatal?.msg).toContain('ACTORS_ALLOW_GENERATED_CREDENTIALS=true');
    expect(fatal?.msg).toContain("PORT must be an integer from 0 to 65535, got 'five-thousand'");
    expect(fatal?.msg).toContain(
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'",
    );
    expect(service.output()).not.toContain('listening');
    expect(service.output()).not.toContain('    at ');
  });

  it('exits 1 with a clear log line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const service = startServiceProcess({ ...CREDENTIALS, HOST: '127.0.0.1', PORT: String(port) });
      expect((await service.exited).code).toBe(1);
      const fatal = service.logs().find((line) => line.msg === 'could not listen');
      expect(fatal).toMatchObject({ level: 60, port, err: { code: 'EADDRINUSE' } });
    } finally {
      blocker.close();
    }
  });

  it('generates dev-only credentials when allowed, logs them once, and they work', async () => {
    const service = startServiceProcess({ ...LOOPBACK, ACTORS_ALLOW_GENERATED_CREDENTIALS: 'true' });
    const url = await listeningUrl(service);
    const notices = service.logs().filter((line) => line.devOnly === true);
    expect(notices).toHaveLength(1);
    const { user, password, msg } = notices[0] as { user: string; password: string; msg: string };
    expect(msg).toMatch(/^DEV ONLY: generated random basic auth credentials/);
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    expect((await fetch(`${url}/actors/1`, { headers: { authorization } })).status).toBe(200);
    expect((await fetch(`${url}/actors/1`, { headers: { authorization: AUTH } })).status).toBe(401);
    service.child.kill('SIGINT');
    expect((await service.exited).code).toBe(0);
  });

  it('on SIGTERM finishes the in-flight request, refuses new connections, and exits 0', async () => {
    const service = startServiceProcess(
      { ...LOOPBACK, ...CREDENTIALS },
      { nodeArgs: ['--import', SLOW_REQUEST_PRELOAD] },
    );
    const url = await listeningUrl(service);
    const inFlight = fetch(`${url}/actors/3`, { headers: { authorization: AUTH, 'x-test-delay-ms': '800' } });
    await service.waitFor(/test-preload: holding \/actors\/3/);
    const signalledAt = performance.now();
    service.child.kill('SIGTERM');
    await service.waitFor(/stopping: finishing in-flight requests/);

    await expect(fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 3, actor: 'DeForest Kelley', role: 'Leonard McCoy' });
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalledAt).toBeLessThan(5000);
    const messages = service.logs().map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(['stopping: finishing in-flight requests', 'stopped']));
  });

  it('exits 1 at once on a second signal while a request still holds the shutdown', async () => {
    const service = startServiceProcess(
      { ...LOOPBACK, ...CREDENTIALS },
      { nodeArgs: ['--import', SLOW_REQUEST_PRELOAD] },
    );
    const url = await listeningUrl(service);
    const inFlight = fetch(`${url}/health`, { headers: { 'x-test-delay-ms': '15000' } }).catch(
      () => 'aborted',
    );
    await service.waitFor(/test-preload: holding \/health/);
    service.child.kill('SIGTERM');
    await service.waitFor(/stopping: finishing in-flight requests/);
    const signalledAt = performance.now();
    service.child.kill('SIGINT');
    expect(await service.exited).toEqual({ code: 1, signal: null });
    expect(performance.now() - signalledAt).toBeLessThan(3000);
    expect(service.logs().map((line) => line.msg)).toContain('second signal while stopping: exiting now');
    expect(await inFlight).toBe('aborted');
  });

  it('exits 1 when an in-flight request outlasts SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const service = startServiceProcess(
      { ...LOOPBACK, ...CREDENTIALS, SHUTDOWN_TIMEOUT_SECONDS: '1' },
      { nodeArgs: ['--import', SLOW_REQUEST_PRELOAD] },
    );
    const url = await listeningUrl(service);
    const hanging = fetch(`${url}/health`, { headers: { 'x-test-delay-ms': '15000' } }).catch(
      () => 'aborted',
    );
    await service.waitFor(/test-preload: holding \/health/);
    const signalledAt = performance.now();
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 1, signal: null });
    const elapsed = performance.now() - signalledAt;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
    expect(service.logs().find((line) => line.level === 50)).toMatchObject({
      timeoutMs: 1000,
      msg: 'in-flight requests did not finish in time: exiting',
    });
    expect(await hanging).toBe('aborted');
  });

  it('as shipped (info): logs a 5xx at once, and on SIGTERM flushes a summary with the auth failures', async () => {
    // No LOG_LEVEL: the level Dockerfile.service ships with.
    const service = startServiceProcess(
      { ...LOOPBACK, ...CREDENTIALS },
      { nodeArgs: ['--import', SLOW_REQUEST_PRELOAD] },
    );
    const url = await listeningUrl(service);
    expect((await fetch(`${url}/actors`, { headers: { 'x-test-fail': '1' } })).status).toBe(500);
    await service.waitFor(/"msg":"request failed"/);
    for (const authorization of [AUTH, 'Basic Zm9vOmJhcg==', AUTH]) {
      await (await fetch(`${url}/actors`, { headers: { authorization } })).arrayBuffer();
    }
    await (await fetch(`${url}/actors`)).arrayBuffer();
    expect(service.logs().filter((line) => line.msg === 'request completed' && line.level === 30)).toEqual(
      [],
    );
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    const logs = service.logs();
    expect(logs.find((line) => line.msg === 'request completed')).toMatchObject({
      level: 50,
      statusCode: 500,
    });
    expect(logs.find((line) => line.msg === 'requests served')).toMatchObject({
      level: 30,
      requests: 5,
      byStatus: { '2xx': 2, '4xx': 2, '5xx': 1 },
      authFailures: 2,
    });
    expect(logs.at(-1)?.msg).toBe('stopped');
  });

  // One process for both claims: serving with the credentials and digest of the environment, and at
  // the most verbose level (trace) neither the Authorization header nor the password in any line.
  it('serves actors over HTTP with the credentials from the environment, exits 0 on SIGTERM, and never logs the Authorization header or the configured password', async () => {
    const service = startServiceProcess({
      ...LOOPBACK,
      ...CREDENTIALS,
      DEPLOY_IMAGE_DIGEST: 'sha256:feed',
      LOG_LEVEL: 'trace',
    });
    const url = await listeningUrl(service);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const actors = await fetch(`${url}/actors`, { headers: { authorization: AUTH } });
    expect(actors.status).toBe(200);
    expect(await actors.json()).toHaveLength(8);
    expect((await (await fetch(`${url}/version`)).json()) as { digest: string }).toMatchObject({
      digest: 'sha256:feed',
    });
    await (await fetch(`${url}/actors`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).arrayBuffer();
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.output()).not.toContain(AUTH.slice('Basic '.length));
    expect(service.output()).not.toContain('Zm9vOmJhcg==');
    expect(service.output()).not.toContain(CREDENTIALS.ACTORS_AUTH_PASSWORD);
  });
});
