// Unauthenticated probes: /health for the load balancer and ECS, /version for rollout verification.
// Both are no-store so no cache (CloudFront, a proxy) can answer for a task that is gone.
import type { FastifyInstance } from 'fastify';
import { SERVICE_HEALTH_PATH, SERVICE_VERSION_PATH, type VersionReport } from '../../common/contract.ts';
import { HEALTH_SCHEMA } from '../response-schemas.ts';
import { VERSION_REPORT_SCHEMA } from '../version-report.ts';
import { rejectOtherMethods } from './method-not-allowed.ts';

export function registerHealthRoutes(app: FastifyInstance, version: VersionReport): void {
  const report = Object.freeze({ ...version });
  app.get(SERVICE_HEALTH_PATH, { schema: { response: { 200: HEALTH_SCHEMA } } }, (_request, reply) =>
    reply.header('Cache-Control', 'no-store').send({ status: 'ok' }),
  );
  app.get(SERVICE_VERSION_PATH, { schema: { response: { 200: VERSION_REPORT_SCHEMA } } }, (_request, reply) =>
    reply.header('Cache-Control', 'no-store').send(report),
  );
  rejectOtherMethods(app, SERVICE_HEALTH_PATH);
  rejectOtherMethods(app, SERVICE_VERSION_PATH);
}
