// What the service reports on GET /version: the image and config revision the deployer injected
// (DEPLOY_ENV), so a rollout can verify the new image is really the one being served.
import { DEPLOY_ENV, type VersionReport } from '../common/contract.ts';

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export function versionReportFromEnv(env: NodeJS.ProcessEnv, version: string): VersionReport {
  return {
    digest: nonEmpty(env[DEPLOY_ENV.digest]),
    revision: nonEmpty(env[DEPLOY_ENV.revision]),
    image: nonEmpty(env[DEPLOY_ENV.image]),
    version,
  };
}

export const VERSION_REPORT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['digest', 'revision', 'image', 'version'],
  properties: {
    digest: { type: ['string', 'null'] },
    revision: { type: ['string', 'null'] },
    image: { type: ['string', 'null'] },
    version: { type: 'string' },
  },
} as const;
