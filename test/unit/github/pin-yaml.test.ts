import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pinServiceYaml } from '../../../deployer/github/pin-yaml.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const PIN = `actors:1.1.0@${DIGEST}`;
const ACTORS = readFileSync(new URL('../../../config/services/actors.yaml', import.meta.url), 'utf8');

describe('pinServiceYaml(text, pin, comment)', () => {
  it('adds the pin under repository in the repository config, changing nothing else byte for byte', () => {
    const edit = pinServiceYaml(ACTORS, PIN, 'pinned by ecs-gitops: 1.2.0 failed (DeploymentFailed)');
    if (!edit.ok) throw new Error(edit.reason);
    expect(edit.changed).toBe(true);
    const added = `  pin: "${PIN}" # pinned by ecs-gitops: 1.2.0 failed (DeploymentFailed)\n`;
    const at = ACTORS.indexOf('  repository: actors\n') + '  repository: actors\n'.length;
    expect(edit.text).toBe(`${ACTORS.slice(0, at)}${added}${ACTORS.slice(at)}`);
    // Comments, the flow list and the ${stack:} placeholders are untouched; track stays to be resumed.
    expect(edit.text).toContain('# The actors service (service/)');
    expect(edit.text).toContain('paths: ["/*"]');
    expect(parse(edit.text).image).toEqual({ repository: 'actors', pin: PIN, track: { semver: '^1.0.0' } });
  });

  it('replaces an existing pin and its old comment on the same line', () => {
    const text =
      'name: web # the web\nimage:\n  repository: web\n  pin: "1.0.0" # old reason\n  track: { semver: "^1" }\n';
    const edit = pinServiceYaml(text, PIN, 'new reason');
    expect(edit).toEqual({
      ok: true,
      changed: true,
      text: `name: web # the web\nimage:\n  repository: web\n  pin: "${PIN}" # new reason\n  track: { semver: "^1" }\n`,
    });
  });

  it('leaves a file that already pins the same image alone (changed: false)', () => {
    const text = `name: web\nimage:\n  repository: web\n  pin: "${DIGEST}"\n`;
    expect(pinServiceYaml(text, PIN, 'x', (current) => current === DIGEST)).toEqual({
      ok: true,
      changed: false,
      text,
    });
  });

  it('writes a flow mapping through the YAML library and keeps the data', () => {
    const text = '# keep me\nname: web\nimage: { repository: web, track: { latest: true } }\n';
    const edit = pinServiceYaml(text, PIN, 'why');
    if (!edit.ok) throw new Error(edit.reason);
    expect(edit.text).toContain('# keep me');
    expect(parse(edit.text).image).toEqual({ repository: 'web', track: { latest: true }, pin: PIN });
  });

  it('keeps CRLF line breaks', () => {
    const text = 'name: web\r\nimage:\r\n  repository: web\r\n  track:\r\n    latest: true\r\n';
    const edit = pinServiceYaml(text, PIN, 'why');
    if (!edit.ok) throw new Error(edit.reason);
    expect(edit.text).toBe(
      `name: web\r\nimage:\r\n  repository: web\r\n  pin: "${PIN}" # why\r\n  track:\r\n    latest: true\r\n`,
    );
  });

  it('keeps a multi-line reason on one comment line', () => {
    const edit = pinServiceYaml('image:\n  repository: web\n', PIN, 'two\nlines # and a hash');
    expect(edit).toMatchObject({
      ok: true,
      text: `image:\n  repository: web\n  pin: "${PIN}" # two lines # and a hash\n`,
    });
  });

  it.each([
    ['invalid YAML', 'image: [\n', /not valid YAML/],
    ['no image mapping', 'name: web\n', /no `image` mapping/],
  ])('refuses %s with a reason', (_name, text, reason) => {
    const edit = pinServiceYaml(text, PIN, 'why');
    expect(edit.ok).toBe(false);
    if (!edit.ok) expect(edit.reason).toMatch(reason);
  });
});
