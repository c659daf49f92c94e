// An ES import of a value from node:http reads every export of the module, and three of them
// (WebSocket, CloseEvent, MessageEvent) are getters that load undici, Node's fetch: ~0.1 CPU-s at the
// start of a process that never calls fetch. The local ECS stand-in starts a task process for every
// task (the actors service, the echo task; ~120 per test run), so their modules take node:http through
// process.getBuiltinModule, as the deployer does (test/integration/startup/builtin-imports.test.ts).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importClosure } from '../../support/import-closure.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** `import … from 'node:http'` (or https) that binds a value, not only types. */
function importsHttpValues(source: string): boolean {
  const imports = source.matchAll(/^\s*import\s+(?!type\s)([^'";]*?)\s+from\s+['"](?:node:)?https?['"]/gm);
  for (const [, bindings = ''] of imports) {
    const named = /^\{([^}]*)\}$/s.exec(bindings.trim());
    if (!named) return true; // a default or namespace import
    const names = (named[1] ?? '').split(',').map((name) => name.trim());
    if (names.some((name) => name !== '' && !name.startsWith('type '))) return true;
  }
  return false;
}

async function taskModules(): Promise<string[]> {
  const fixtures: string[] = [];
  for (const dir of ['local/fixtures', 'test/fixtures/tasks'])
    for (const name of await readdir(path.join(ROOT, dir)))
      if (name.endsWith('.ts')) fixtures.push(path.join(ROOT, dir, name));
  const entries = [
    path.join(ROOT, 'service/main.ts'),
    path.join(ROOT, 'local/tasks/exit-with-parent.ts'),
    ...fixtures,
  ];
  const files = new Set<string>();
  for (const entry of entries) for (const file of (await importClosure(entry)).files) files.add(file);
  return [...files].filter((file) => file.endsWith('.ts')).sort();
}

describe('task processes do not load undici to start', () => {
  it('tells a value import of node:http from a type-only one', () => {
    expect(importsHttpValues("import { createServer } from 'node:http';")).toBe(true);
    expect(importsHttpValues("import http from 'http';")).toBe(true);
    expect(importsHttpValues("import { type Server, request } from 'node:https';")).toBe(true);
    expect(importsHttpValues("import type { Server } from 'node:http';")).toBe(false);
    expect(importsHttpValues("import { type Server, type IncomingMessage } from 'node:http';")).toBe(false);
  });

  it('no module of the actors service, the task preload or the test workloads imports a value from node:http', async () => {
    const modules = await taskModules();
    expect(modules).toEqual(expect.arrayContaining([path.join(ROOT, 'service/served-responses.ts')]));
    const offending: string[] = [];
    for (const file of modules)
      if (importsHttpValues(await readFile(file, 'utf8'))) offending.push(path.relative(ROOT, file));
    expect(offending).toEqual([]);
  });
});
