import { readProjectText } from './text-file.js';
import jsYaml from 'js-yaml';
import { SCHEMA, loadYamlData } from './yaml-schema.js';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ProjectError } from './errors.js';

/** A parsed YAML file that can still say on which line a value stood. */
export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the value at `path` (keys and indexes), or of the nearest parent that exists. */
  lineOf(path: readonly (string | number)[]): number;
  /** 1-based line of the first `name: <value>` entry at or after line `after` (0 when absent). */
  nameLine(value: string, after?: number): number;
  /** What the file says twice (dbt reads it, the last value winning, with a deprecation warning). */
  readonly warnings: readonly string[];
}

/**
 * Parses YAML text. Data comes from js-yaml, several times faster than `yaml` on large schema
 * files; exact line lookups (`lineOf`, used for error messages) parse once more with `yaml`,
 * lazily, so a project without errors never pays for them.
 */
export function parseYaml(text: string, file: string, parsed?: { readonly data: unknown }): YamlFile {
  let data: unknown;
  const warnings: string[] = [];
  try {
    try {
      // `parsed`: loadYamlData's result for this text, from a thread that read it first (load/yaml-prefetch.ts).
      data = parsed ? parsed.data : loadYamlData(text, file);
    } catch (error) {
      // A key written twice: dbt (PyYAML) keeps the last value and warns (DuplicateYAMLKeysDeprecation);
      // tsdbt reads it the same way and says where.
      const e = error as { reason?: string; mark?: { line: number } };
      if (!/duplicated mapping key/.test(e.reason ?? '')) throw error;
      data = jsYaml.load(text, { filename: file, schema: SCHEMA, json: true }) ?? {};
      warnings.push(`${file}:${(e.mark?.line ?? 0) + 1}: a key is written twice in this mapping; the last value is used (as dbt does, which warns that it will become an error)`);
    }
  } catch (error) {
    const e = error as { reason?: string; message: string; mark?: { line: number; column: number } };
    throw new ProjectError('yaml_syntax', `Invalid YAML: ${e.reason ?? e.message.split('\n')[0]}`, {
      file,
      line: e.mark ? e.mark.line + 1 : undefined,
      column: e.mark ? e.mark.column + 1 : undefined,
      hint: 'Fix the YAML syntax at this position (indentation, a missing colon or quote).',
    });
  }
  let doc: { doc: Document; lines: LineCounter } | undefined;
  let names: Map<string, number[]> | undefined;
  return {
    file,
    data,
    warnings,
    lineOf(path) {
      if (!doc) {
        const lines = new LineCounter();
        doc = { doc: parseDocument(text, { lineCounter: lines }), lines };
      }
      for (let n = path.length; n >= 0; n--) {
        const node = doc.doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return doc.lines.linePos(node.range[0]).line;
      }
      return 1;
    },
    nameLine(value, after = 0) {
      if (!names) {
        names = new Map();
        const re = /^\s*(?:-\s+)?name:\s*["']?([^"'#\s]+)/;
        text.split('\n').forEach((line, i) => {
          const m = re.exec(line);
          if (m) (names!.get(m[1]!) ?? names!.set(m[1]!, []).get(m[1]!)!).push(i + 1);
        });
      }
      return names.get(value)?.find((l) => l >= after) ?? 0;
    },
  };
}

export function readYamlFile(file: string, displayPath = file): YamlFile {
  return parseYaml(readProjectText(file, displayPath), displayPath);
}
