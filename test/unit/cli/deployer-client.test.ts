import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callDeployer,
  DeployerClientError,
  resolveClientOptions,
} from '../../../deployer/cli/deployer-client.ts';

let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  app = Fastify();
  app.get('/status', async (request, reply) => {
    if (request.headers.authorization !== 'Bearer good')
      return reply.code(401).send({ error: 'unauthorized' });
    return { services: [{ name: 'actors' }] };
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

describe('resolveClientOptions', () => {
  it.each([
    [{}, {}, { url: 'http://127.0.0.1:8080' }],
    [
      {},
      { ECS_GITOPS_URL: 'http://x:1/', ECS_GITOPS_TOKEN: 't' },
      { url: 'http://x:1', token: 't', tokenFrom: 'ECS_GITOPS_TOKEN' },
    ],
    [
      { url: 'http://flag:2', token: 'f' },
      { ECS_GITOPS_URL: 'http://x:1', ECS_GITOPS_TOKEN: 't' },
      { url: 'http://flag:2', token: 'f', tokenFrom: '--token' },
    ],
    [{}, { ECS_GITOPS_TOKEN: '' }, { url: 'http://127.0.0.1:8080' }],
  ])('flags %j env %j -> %j', (flags, env, expected) => {
    expect(resolveClientOptions(flags, env)).toEqual(expected);
  });
});

describe('callDeployer', () => {
  it('returns parsed JSON with a valid token', async () => {
    const response = await callDeployer({ url, token: 'good' }, 'GET', '/status');
    expect(response).toEqual({ status: 200, body: { services: [{ name: 'actors' }] } });
  });

  it('tells the user to set the token on 401', async () => {
    const error = await callDeployer({ url, token: 'bad' }, 'GET', '/status').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployerClientError);
    expect((error as DeployerClientError).message).toContain('ECS_GITOPS_TOKEN');
    expect((error as DeployerClientError).exitCode).toBe(4);
  });

  it('names the URL and how to change it when unreachable', async () => {
    const closed = Fastify();
    const deadUrl = await closed.listen({ host: '127.0.0.1', port: 0 });
    await closed.close();
    const error = await callDeployer({ url: deadUrl }, 'GET', '/status').catch((e: unknown) => e);
    expect((error as DeployerClientError).message).toContain(deadUrl);
    expect((error as DeployerClientError).message).toContain('ECS_GITOPS_URL');
    expect((error as DeployerClientError).exitCode).toBe(3);
  });
});
