// The GitHub REST operations the deployer calls, checked against GitHub's own OpenAPI description
// (@octokit/openapi, api.github.com flavour): request bodies before the stand-in answers, and the
// stand-in's answers in its tests, so neither side can drift from what GitHub documents.
// Only the one 13 MB description is read (the package's index.js would load all ten, 400 MB).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export const OPERATIONS = {
  createDeployment: { method: 'POST', path: '/repos/{owner}/{repo}/deployments' },
  createDeploymentStatus: {
    method: 'POST',
    path: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
  },
  createCommitStatus: { method: 'POST', path: '/repos/{owner}/{repo}/statuses/{sha}' },
  // The pin pull request: read a file, branch, commit the change, open (or find) the pull request.
  getContent: { method: 'GET', path: '/repos/{owner}/{repo}/contents/{path}' },
  updateFileContents: { method: 'PUT', path: '/repos/{owner}/{repo}/contents/{path}' },
  getRef: { method: 'GET', path: '/repos/{owner}/{repo}/git/ref/{ref}' },
  createRef: { method: 'POST', path: '/repos/{owner}/{repo}/git/refs' },
  updateRef: { method: 'PATCH', path: '/repos/{owner}/{repo}/git/refs/{ref}' },
  listPulls: { method: 'GET', path: '/repos/{owner}/{repo}/pulls' },
  createPull: { method: 'POST', path: '/repos/{owner}/{repo}/pulls' },
} as const;
export type OperationName = keyof typeof OPERATIONS;

interface OpenApiOperation {
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, unknown>;
}

export interface SchemaProblem {
  /** JSON pointer of the offending field ('' for the body itself). */
  field: string;
  message: string;
}

export interface OperationSchemas {
  /** Problems of a request body; an empty list means GitHub would accept it. */
  checkRequest(operation: OperationName, body: unknown): SchemaProblem[];
  /** Problems of a response body for a documented status. */
  checkResponse(operation: OperationName, status: number, body: unknown): SchemaProblem[];
  /** The documented properties of the request body (the stand-in rejects others: typos show up here). */
  requestProperties(operation: OperationName): string[];
  /** A documented example response (`components.examples`), to build realistic answers from. */
  example(name: string): Record<string, unknown>;
}

let loaded: OperationSchemas | undefined;
const load = (): OperationSchemas => {
  loaded ??= compile(readDocument());
  return loaded;
};

/**
 * The schemas, read and compiled at their first use: the local deployer starts a stand-in that most
 * runs never call, and reading the description and setting up ajv cost it ~0.4 s of CPU.
 */
export function operationSchemas(): OperationSchemas {
  return {
    checkRequest: (name, body) => load().checkRequest(name, body),
    checkResponse: (name, status, body) => load().checkResponse(name, status, body),
    requestProperties: (name) => load().requestProperties(name),
    example: (name) => load().example(name),
  };
}

/**
 * Our operations and the components they reach, cut out of the description. The cut is cached beside
 * the package (keyed by its version): parsing 13 MB of JSON takes seconds on a loaded machine.
 */
function readDocument(): OpenApiDocument {
  const require = createRequire(import.meta.url);
  const { version } = require('@octokit/openapi/package.json') as { version: string };
  const cache = path.join(
    path.dirname(require.resolve('@octokit/openapi/package.json')),
    '..',
    '..',
    '.cache',
    'ecs-gitops',
    `github-operations-${version}-${operationsKey()}.json`,
  );
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as OpenApiDocument;
  } catch {
    // Not cut yet (or unreadable): cut it now.
  }
  const full = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as OpenApiDocument;
  const paths: OpenApiDocument['paths'] = {};
  for (const { path: route } of Object.values(OPERATIONS)) paths[route] = full.paths[route] ?? {};
  const cut: OpenApiDocument = { paths, components: reachableComponents(full) };
  try {
    mkdirSync(path.dirname(cache), { recursive: true });
    writeFileSync(cache, JSON.stringify(cut));
  } catch {
    // A read-only node_modules only costs the next start the same seconds.
  }
  return cut;
}

/** Changes when the operation list does, so a cut made for fewer operations is not reused. */
function operationsKey(): string {
  return createHash('sha256').update(JSON.stringify(OPERATIONS)).digest('hex').slice(0, 12);
}

function compile(document: OpenApiDocument): OperationSchemas {
  // OpenAPI 3.0 schemas: ajv knows `nullable`; descriptive keywords (example, discriminator) are not ours to police.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'github', components: document.components });
  const operation = (name: OperationName): OpenApiOperation => {
    const { method, path } = OPERATIONS[name];
    const found = document.paths[path]?.[method.toLowerCase()];
    if (!found) throw new Error(`the GitHub OpenAPI description has no ${method} ${path}`);
    return found;
  };
  const cache = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Record<string, unknown>): ValidateFunction => {
    let validate = cache.get(key);
    if (!validate) {
      // Local refs (#/components/...) point into the document registered above.
      validate = ajv.compile(
        JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"github#/components/')),
      );
      cache.set(key, validate);
    }
    return validate;
  };
  const problems = (validate: ValidateFunction, body: unknown): SchemaProblem[] =>
    validate(body) ? [] : (validate.errors ?? []).map(describe);
  const requestSchema = (name: OperationName) => {
    const schema = operation(name).requestBody?.content['application/json'].schema;
    if (!schema) throw new Error(`${name} has no JSON request body in the GitHub OpenAPI description`);
    return schema;
  };
  const examples = document.components.examples as Record<string, { value: Record<string, unknown> }>;
  return {
    checkRequest: (name, body) => problems(validator(`${name} request`, requestSchema(name)), body),
    checkResponse(name, status, body) {
      const schema = operation(name).responses[String(status)]?.content?.['application/json'].schema;
      if (!schema) return [{ field: '', message: `${name} documents no JSON response for status ${status}` }];
      return problems(validator(`${name} ${status}`, schema), body);
    },
    requestProperties: (name) => Object.keys((requestSchema(name).properties as object | undefined) ?? {}),
    example(name) {
      const found = examples[name];
      if (!found) throw new Error(`no example named ${name} in the GitHub OpenAPI description`);
      return structuredClone(found.value);
    },
  };
}

/** Only the components our operations reach: registering all of them costs seconds. */
function reachableComponents(document: OpenApiDocument): Record<string, Record<string, unknown>> {
  const all = document.components as Record<string, Record<string, unknown>>;
  const picked: Record<string, Record<string, unknown>> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const ref =
          key === '$ref' && typeof inner === 'string' ? /^#\/components\/([^/]+)\/(.+)$/.exec(inner) : null;
        if (ref) {
          const [, kind = '', name = ''] = ref;
          picked[kind] ??= {};
          if (!(name in picked[kind])) {
            picked[kind][name] = all[kind]?.[name];
            visit(all[kind]?.[name]);
          }
        } else visit(inner);
      }
    }
  };
  for (const { method, path } of Object.values(OPERATIONS))
    visit(document.paths[path]?.[method.toLowerCase()]);
  return picked;
}

function describe(error: ErrorObject): SchemaProblem {
  const allowed =
    error.params && 'allowedValues' in error.params ? `: ${String(error.params.allowedValues)}` : '';
  return { field: error.instancePath, message: `${error.message ?? 'is invalid'}${allowed}` };
}
