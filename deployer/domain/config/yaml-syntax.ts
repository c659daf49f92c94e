// Parses one YAML file keeping source ranges, and reports syntax problems as positioned issues with
// messages in plain words (the yaml package's own messages embed a multi-line source excerpt).
import { type Document, isScalar, LineCounter, parseDocument, visit, type YAMLError } from 'yaml';
import { type Position, positionAt } from './yaml-locations.ts';

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
  problems: { position: Position; message: string }[];
}

const FRIENDLY: Record<string, string> = {
  DUPLICATE_KEY: 'this field appears twice in the same mapping; keep one',
  TAB_AS_INDENT: 'tabs are not allowed for indentation in YAML; indent with spaces',
  MULTIPLE_DOCS:
    'one service per file: remove the `---` document separator and put each service in its own file',
  TAG_RESOLVE_FAILED: 'unknown YAML tag; plain values need no `!tag`',
};

function plainMessage(error: YAMLError): string {
  const friendly = FRIENDLY[error.code];
  if (friendly) return friendly;
  const first = error.message.split('\n')[0] ?? error.message;
  return `YAML syntax: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // Warnings (unknown tags, ...) count as errors: a config that YAML itself doubts is not deployed.
  const problems = [...doc.errors, ...doc.warnings].map((error) => ({
    position: positionAt(lineCounter, error.pos[0]),
    message: plainMessage(error),
  }));
  if (problems.length === 0) {
    // `? [a, b]: c` is valid YAML but no config field; JavaScript would stringify it (with a warning).
    visit(doc, {
      Pair(_, pair) {
        if (pair.key !== null && !isScalar(pair.key)) {
          const offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
          problems.push({
            position: positionAt(lineCounter, offset),
            message: 'field names must be plain text, not a list or mapping',
          });
        }
      },
    });
  }
  return { doc, lineCounter, problems };
}
