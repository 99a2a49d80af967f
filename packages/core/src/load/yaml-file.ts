import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ProjectError } from '../shared/errors.js';

/** A parsed YAML file that can still say on which line a value stood. */
export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the value at `path` (keys and indexes), or of the nearest parent that exists. */
  lineOf(path: readonly (string | number)[]): number;
}

/** Parses YAML text; syntax errors become a ProjectError with file, line and column. */
export function parseYaml(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    throw new ProjectError('yaml_syntax', `Invalid YAML: ${first.message.split('\n')[0]}`, {
      file,
      line: pos?.line,
      column: pos?.col,
      hint: 'Fix the YAML syntax at this position (indentation, a missing colon or quote).',
    });
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 1000 }) ?? {},
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return 1;
    },
  };
}

export function readYamlFile(file: string, displayPath = file): YamlFile {
  return parseYaml(readFileSync(file, 'utf8'), displayPath);
}
