// Reads the managed service's config so the image CDK deploys first is the one config/ names.
// Kept in one small file so it can switch to deployer/adapters/config-directory.ts once that exists.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';

export interface InitialService {
  /** The config's name (its file stem): the key the deployer records the service's image under. */
  name: string;
  cluster: string;
  service: string;
  container: string;
  repository: string;
  /** Tag CDK puts in the first task definition. */
  tag: string;
  /** Where the tag came from, for docs/outputs: the config's pin or the `initialImageTag` context. */
  tagSource: 'pin' | 'context';
}

export const DEFAULT_INITIAL_IMAGE_TAG = '1.0.0';

interface RawConfig {
  name?: unknown;
  cluster?: unknown;
  service?: unknown;
  container?: unknown;
  image?: { repository?: unknown; pin?: unknown };
}

function requireString(value: unknown, field: string, file: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${file}: ${field} must be a non-empty string`);
  }
  return value;
}

/** The repository name from a bare name or a full `<acct>.dkr.ecr.<region>.amazonaws.com/<name>` URI. */
function repositoryName(repository: string): string {
  const slash = repository.indexOf('/');
  return repository.includes('.amazonaws.com/') && slash >= 0 ? repository.slice(slash + 1) : repository;
}

export function readInitialService(file: string, contextTag: string | undefined): InitialService {
  const raw = parse(readFileSync(file, 'utf8')) as RawConfig | null;
  if (raw === null || typeof raw !== 'object') throw new Error(`${file}: expected a YAML mapping`);
  const pin = raw.image?.pin;
  // A digest pin cannot be expressed as an ECR tag; fall back to the context tag in that case.
  const pinnedTag = typeof pin === 'string' && !pin.startsWith('sha256:') ? pin : undefined;
  return {
    name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : basename(file).replace(/\.ya?ml$/, ''),
    cluster: requireString(raw.cluster, 'cluster', file),
    service: requireString(raw.service, 'service', file),
    container: requireString(raw.container, 'container', file),
    repository: repositoryName(requireString(raw.image?.repository, 'image.repository', file)),
    tag: pinnedTag ?? contextTag ?? DEFAULT_INITIAL_IMAGE_TAG,
    tagSource: pinnedTag ? 'pin' : 'context',
  };
}
