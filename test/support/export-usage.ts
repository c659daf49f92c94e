// Who imports each export of the program's own modules: finds exports that only tests use (an export
// made for a test widens the program's surface for nothing) and exports nobody imports. Reads the
// sources as text: the import and export statements of this codebase are regular enough for patterns
// (relative specifiers with their .ts ending, no default exports in the program's own modules).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Exported values only: a type naming the input or result of an exported function is part of its signature. */
export interface ExportUsage {
  /** `file#name` exported by a program module and imported by tests only. */
  testOnly: string[];
  /** `file#name` exported by a program module and imported by nothing (its own file may use it). */
  unused: string[];
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'cdk.out', 'test-artifacts']);
const DECLARED =
  /^export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|const|let|var|(type|interface)|enum)\s+([A-Za-z_$][\w$]*)/gm;
const LOCAL_LIST = /^export\s+(type\s+)?\{([^}]*)\}\s*(?:;|$)/gm;
const FROM =
  /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s+['"](\.{1,2}\/[^'"]+)['"]|^\s*export\s+\*\s+from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP_DIRS.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `a, type b, c as d` → the names on the left (what the other module exports). */
function importedNames(list: string): string[] {
  return list
    .split(',')
    .map((part) => part.trim().replace(/^type\s+/, ''))
    .filter(Boolean)
    .map((part) => part.split(/\s+as\s+/)[0] ?? part);
}

/** `a, b as c` in `export { ... }` → the names this module exports. */
function exportedNames(list: string): string[] {
  return list
    .split(',')
    .map((part) => part.trim().replace(/^type\s+/, ''))
    .filter(Boolean)
    .map((part) => part.split(/\s+as\s+/).at(-1) ?? part);
}

interface Module {
  declared: Set<string>;
  /** Declared names that are types (not audited). */
  types: Set<string>;
  /** Re-exports: exported name → [source module, its name]; `*` → every name of the source. */
  reexports: [string, string, string][];
  /** [module, name] this file uses from others; name `*` for a namespace or dynamic import. */
  uses: [string, string][];
}

function read(file: string): Module {
  const source = readFileSync(file, 'utf8');
  const declared = new Set<string>();
  const types = new Set<string>();
  for (const m of source.matchAll(DECLARED)) {
    declared.add(m[2] ?? '');
    if (m[1]) types.add(m[2] ?? '');
  }
  for (const m of source.matchAll(LOCAL_LIST)) {
    for (const part of (m[2] ?? '').split(',').map((p) => p.trim())) {
      const name = exportedNames(part)[0];
      if (!name) continue;
      declared.add(name);
      if (m[1] || part.startsWith('type ')) types.add(name);
    }
  }
  const reexports: Module['reexports'] = [];
  const uses: Module['uses'] = [];
  const resolve = (specifier: string) => path.resolve(path.dirname(file), specifier);
  for (const m of source.matchAll(FROM)) {
    if (m[5]) {
      reexports.push(['*', resolve(m[5]), '*']);
      continue;
    }
    const [, verb, , clause = '', specifier = ''] = m;
    const target = resolve(specifier);
    const braces = /\{([^}]*)\}/.exec(clause);
    if (verb === 'export') {
      if (!braces) continue;
      for (const part of (braces[1] ?? '').split(',').map((p) => p.trim().replace(/^type\s+/, ''))) {
        if (!part) continue;
        const [from = part, as = from] = part.split(/\s+as\s+/);
        reexports.push([as, target, from]);
      }
      continue;
    }
    if (/\*\s+as\s+/.test(clause)) uses.push([target, '*']);
    if (braces) for (const name of importedNames(braces[1] ?? '')) uses.push([target, name]);
  }
  for (const m of source.matchAll(DYNAMIC)) uses.push([resolve(m[1] ?? ''), '*']);
  return { declared, types, reexports, uses };
}

/**
 * @param root the repository
 * @param programDirs the folders whose exports are audited (e.g. deployer, local, service)
 * @param isTest which files are tests (their imports make an export "test only")
 */
export function exportUsage(
  root: string,
  programDirs: readonly string[],
  isTest: (relativePath: string) => boolean,
): ExportUsage {
  const modules = new Map(walk(root).map((file) => [file, read(file)]));
  const rel = (file: string) => path.relative(root, file);
  const audited = [...modules.keys()].filter((file) => {
    const relative = rel(file);
    return programDirs.some((dir) => relative.startsWith(`${dir}/`)) && !isTest(relative);
  });
  const usedBy = new Map<string, { program: boolean; test: boolean }>();
  const mark = (file: string, name: string, byTest: boolean, seen = new Set<string>()): void => {
    const key = `${file}#${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const module = modules.get(file);
    if (!module) return;
    const names = name === '*' ? [...module.declared] : module.declared.has(name) ? [name] : [];
    for (const declared of names) {
      const usage = usedBy.get(`${file}#${declared}`) ?? { program: false, test: false };
      usage[byTest ? 'test' : 'program'] = true;
      usedBy.set(`${file}#${declared}`, usage);
    }
    for (const [as, source, original] of module.reexports) {
      if (as === '*' && (name === '*' || !module.declared.has(name))) mark(source, name, byTest, seen);
      else if (as !== '*' && (name === '*' || as === name)) mark(source, original, byTest, seen);
    }
  };
  for (const [file, module] of modules) {
    const byTest = isTest(rel(file));
    for (const [target, name] of module.uses) mark(target, name, byTest);
  }
  const testOnly: string[] = [];
  const unused: string[] = [];
  for (const file of audited) {
    const module = modules.get(file);
    for (const name of module?.declared ?? []) {
      if (module?.types.has(name)) continue;
      const usage = usedBy.get(`${file}#${name}`);
      if (!usage) unused.push(`${rel(file)}#${name}`);
      else if (!usage.program) testOnly.push(`${rel(file)}#${name}`);
    }
  }
  return { testOnly: testOnly.sort(), unused: unused.sort() };
}
