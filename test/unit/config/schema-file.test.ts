import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCHEMA_FILE, schemaFileIsCurrent } from '../../../deployer/cli/write-schema.ts';
import { CONFIG_DEFAULTS } from '../../../deployer/domain/config/defaults.ts';
import { serviceSchema } from '../../../deployer/domain/config/service-schema.ts';

const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

interface Node {
  type?: string;
  description?: string;
  /** A schema: the values of a map keyed by name (`environments`), each checked by it. */
  additionalProperties?: boolean | Node;
  properties?: Record<string, Node>;
  items?: Node;
}

function walk(node: Node, at: string, visit: (node: Node, at: string) => void): void {
  visit(node, at);
  for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${at}.${key}`, visit);
  if (node.items) walk(node.items, `${at}[]`, visit);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${at}.*`, visit);
}

describe('config/service.schema.json', () => {
  it('equals the schema the loader validates with (run `npm run schema` when this fails)', async () => {
    expect(committed).toEqual(serviceSchema);
    expect(await schemaFileIsCurrent()).toBe(true);
  });

  it('is a valid draft-07 schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv({ strict: true, strictRequired: false });
    expect(() => ajv.compile(committed)).not.toThrow();
  });

  it('closes every object (additionalProperties: false) and describes every field', () => {
    const open: string[] = [];
    const undescribed: string[] = [];
    walk(serviceSchema as Node, '$', (node, at) => {
      if (node.type === 'object' && node.additionalProperties === undefined) open.push(at);
      if (node.additionalProperties === true) open.push(at);
      if (at !== '$' && !at.endsWith('[]') && !node.description) undescribed.push(at);
    });
    expect(open).toEqual([]);
    expect(undescribed).toEqual([]);
  });

  it('publishes the same defaults the loader applies', () => {
    const p = serviceSchema.properties;
    expect(p.verify.properties.successes.default).toBe(CONFIG_DEFAULTS.verify.successes);
    expect(p.verify.properties.intervalSeconds.default).toBe(2);
    expect(p.verify.properties.timeoutSeconds.default).toBe(120);
    expect(p.verify.properties.expectVersion.default).toBe(true);
    expect(p.cdn.properties.paths.default).toEqual(['/*']);
    expect(p.rollout.properties.timeoutSeconds.default).toBe(900);
    expect(p.rollout.properties.rollback.default).toBe(true);
    expect(p.suspended.default).toBe(false);
    expect(p.image.properties.track.default).toEqual({ latest: true });
  });

  it('accepts the shipped config/services/actors.yaml (what an editor would check)', () => {
    const ajv = new Ajv({ strict: true, strictRequired: false });
    const validate = ajv.compile(committed);
    const actors = parse(readFileSync(path.join(path.dirname(SCHEMA_FILE), 'services/actors.yaml'), 'utf8'));
    expect(validate(actors), JSON.stringify(validate.errors)).toBe(true);
  });
});
