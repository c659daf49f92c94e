// Facts shared by the actors service, the Dockerfiles, the deployer and the CDK app. A test checks
// that every place that repeats one of them (Dockerfile EXPOSE, target group, health check) agrees:
// the project this started from lost days to a 5000-vs-80 port mismatch.

/** Port the actors service listens on by default (and the container port in ECS). */
export const SERVICE_PORT = 5000;
/** Unauthenticated liveness path used by the load balancer and the ECS health check. */
export const SERVICE_HEALTH_PATH = '/health';
/** Unauthenticated, uncached path that reports what the task runs (used for rollout verification). */
export const SERVICE_VERSION_PATH = '/version';

/** Port the deployer's HTTP server listens on by default. */
export const DEPLOYER_PORT = 8080;
export const DEPLOYER_HEALTH_PATH = '/healthz';
export const DEPLOYER_READY_PATH = '/readyz';
export const WEBHOOK_PATH = '/webhooks/github';

/**
 * Environment variables the deployer injects into the container it rolls out, so the workload can
 * report on `/version` exactly what it runs.
 */
export const DEPLOY_ENV = {
  digest: 'DEPLOY_IMAGE_DIGEST',
  revision: 'DEPLOY_REVISION',
  image: 'DEPLOY_IMAGE',
} as const;

/** Body of `GET /version` on a managed workload. */
export interface VersionReport {
  /** `sha256:<64 hex>` of the image the task runs, or null when the deployer did not set it. */
  digest: string | null;
  /** Config revision (git commit) that rolled this image out, or null. */
  revision: string | null;
  /** Full image reference, e.g. `123.dkr.ecr.eu-west-1.amazonaws.com/actors@sha256:...`, or null. */
  image: string | null;
  /** Application version from package.json. */
  version: string;
}
