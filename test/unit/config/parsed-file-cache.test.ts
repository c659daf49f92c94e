import { describe, expect, it } from 'vitest';
import { parseConfigFiles, processParseCache } from '../../../deployer/domain/config/parse-config-files.ts';
import { ParsedFileCache } from '../../../deployer/domain/config/parsed-file-cache.ts';
import type { ConfigFile, ConfigLoadResult } from '../../../deployer/domain/types.ts';
import { ServedUrls } from '../../../deployer/lifecycle/served-urls.ts';

const service = (name: string, extra = '', target = name): ConfigFile => ({
  path: `services/${name}.yaml`,
  text: `name: ${name}\ncluster: gitops\nservice: ${target}\ncontainer: app\nimage:\n  repository: ${name}\n${extra}`,
});

const ok = (result: ConfigLoadResult) => {
  if (!result.ok) throw new Error(`expected a valid config: ${JSON.stringify(result.errors)}`);
  return result.state;
};

describe('a config reload skips the files it has seen (parsed-file-cache.ts)', () => {
  it('does not parse an unchanged file again, and loads the same state', () => {
    const cache = new ParsedFileCache();
    const files = [service('api'), service('web'), service('worker')];
    const first = ok(parseConfigFiles(files, 'rev-1', {}, cache));
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 0, misses: 3 });
    const second = ok(parseConfigFiles(files, 'rev-1', {}, cache));
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 3, misses: 3 });
    expect(second).toEqual(first);
  });

  it('parses an edited file again and only that one', () => {
    const cache = new ParsedFileCache();
    parseConfigFiles([service('api'), service('web')], 'rev-1', {}, cache);
    const edited = service('web', 'suspended: true\n');
    const state = ok(parseConfigFiles([service('api'), edited], 'rev-2', {}, cache));
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 3 });
    expect(state.services.find((s) => s.name === 'web')?.suspended).toBe(true);
  });

  it('resolves placeholders again when the stack values change', () => {
    const cache = new ParsedFileCache();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own placeholder syntax
    const cdn = service('web', 'cdn:\n  distributionId: ${stack:DistributionId}\n');
    const first = ok(parseConfigFiles([cdn], 'rev-1', { DistributionId: 'E1' }, cache));
    const second = ok(parseConfigFiles([cdn], 'rev-1', { DistributionId: 'E2' }, cache));
    expect(cache.hits).toBe(0);
    expect([first.services[0]?.cdn?.distributionId, second.services[0]?.cdn?.distributionId]).toEqual([
      'E1',
      'E2',
    ]);
  });

  it('keeps no file with errors: each load reports them at the same place', () => {
    const cache = new ParsedFileCache();
    const broken = service('web', 'imgae: x\n');
    const first = parseConfigFiles([broken], 'rev-1', {}, cache);
    const second = parseConfigFiles([broken], 'rev-1', {}, cache);
    expect(cache.hits).toBe(0);
    expect(second).toEqual(first);
    expect(first.ok ? [] : first.errors.map((e) => [e.line, e.column, e.field])).toEqual([[7, 1, 'imgae']]);
  });

  it('reports an error across files at its exact line from a kept file', () => {
    const cache = new ParsedFileCache();
    const api = service('api', '', 'shared');
    const web = service('web', '', 'shared');
    const first = parseConfigFiles([api, web], 'rev-1', {}, cache);
    const second = parseConfigFiles([api, web], 'rev-1', {}, cache);
    expect(cache.hits).toBe(2);
    expect(second).toEqual(first);
    expect(second.ok ? [] : second.errors.map((e) => [e.file, e.line, e.column, e.field])).toEqual([
      ['services/web.yaml', 3, 10, 'service'],
    ]);
  });

  it('hands out configs of their own: changing one does not change the next load', () => {
    const cache = new ParsedFileCache();
    const first = ok(parseConfigFiles([service('web')], 'rev-1', {}, cache));
    const web = first.services[0];
    if (!web) throw new Error('no service');
    web.source = { file: `config/${web.source.file}` };
    web.image.repository = 'changed';
    const second = ok(parseConfigFiles([service('web')], 'rev-1', {}, cache));
    expect(second.services[0]?.source.file).toBe('services/web.yaml');
    expect(second.services[0]?.image.repository).toBe('web');
  });

  it('forgets files that neither of the last two loads had', () => {
    const cache = new ParsedFileCache();
    parseConfigFiles([service('api'), service('web')], 'rev-1', {}, cache);
    parseConfigFiles([service('api')], 'rev-2', {}, cache);
    expect(cache.size).toBe(2);
    parseConfigFiles([service('api')], 'rev-2', {}, cache);
    expect(cache.size).toBe(1);
  });

  it('finds a file by a digest of its text and stack values, never keeps the text itself', () => {
    const cache = new ParsedFileCache();
    const commented = service('web', `# ${'a long comment '.repeat(500)}\n`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own placeholder syntax
    const cdn = service('api', 'cdn:\n  distributionId: ${stack:DistributionId}\n');
    parseConfigFiles([commented, cdn], 'rev-1', { DistributionId: 'E1' }, cache);
    const keys = cache.keys();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/); // SHA-256, base64
      expect(key).not.toContain('name:');
      expect(key).not.toContain('E1');
    }
    parseConfigFiles([commented, cdn], 'rev-1', { DistributionId: 'E1' }, cache);
    expect(cache.hits).toBe(2);
  });

  it('the served-URL watcher and the intake share one parse of each file in the deployer', () => {
    const files = [service('cache-share-a'), service('cache-share-b')];
    const before = { hits: processParseCache.hits, misses: processParseCache.misses };
    new ServedUrls({}).learn('rev-shared', files);
    parseConfigFiles(files, 'rev-shared', {});
    expect({
      hits: processParseCache.hits - before.hits,
      misses: processParseCache.misses - before.misses,
    }).toEqual({ hits: 2, misses: 2 });
  });
});
