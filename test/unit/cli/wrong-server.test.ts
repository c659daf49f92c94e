// Pointed at something that is not a deployer (the managed service on the same load balancer, a proxy
// error page), the CLI says so and exits 1 instead of crashing with a stack trace.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMOTE_COMMANDS } from '../../../deployer/cli/commands/remote-commands.ts';
import { runCliInProcess } from '../../support/cli-in-process.ts';

let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  app = Fastify();
  app.get('/status', async () => ({ actors: [{ name: 'Bill Murray' }] }));
  app.get('/status/:service', async (_request, reply) => reply.type('text/html').send('<h1>Welcome</h1>'));
  app.post('/api/services/:service/sync', async () => ({ ok: true }));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

const cli = (args: string[]) =>
  runCliInProcess(args, { env: { ECS_GITOPS_URL: url, ECS_GITOPS_TOKEN: 't' }, commands: REMOTE_COMMANDS });

describe('a server that is not an ecs-gitops deployer', () => {
  it.each([
    [['status'], 'GET /status did not answer like an ecs-gitops deployer (got {"actors":'],
    [['diff'], 'GET /status did not answer like an ecs-gitops deployer'],
    [
      ['status', 'actors'],
      'GET /status/actors did not answer like an ecs-gitops deployer (got text: <h1>Welcome</h1>;',
    ],
    [['sync', 'actors', '--wait'], 'GET /status/actors did not answer like an ecs-gitops deployer'],
  ])('%j exits 1 and says to check the URL', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).toContain('check --url / ECS_GITOPS_URL');
    expect(stderr).not.toContain('unexpected error');
  });
});
