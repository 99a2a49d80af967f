import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderWarehouse, runtimeState } from '../execute/node-sql.js';
import type { RunContext } from '../execute/run-context.js';
import type { ModelNode, TestNode } from '../manifest/nodes.js';
import { newRenderState, renderNodeInfo, type RenderState, type RenderWarehouse } from '../render/render-state.js';
import { didYouMean } from '../shared/did-you-mean.js';
import type { ValidationIssue } from './analysis.js';
import type { CheckFailure } from './analyze-nodes.js';
import { hintFor, parseClickHouseError, type ParsedError } from './clickhouse-error.js';
import { alignPositions, compileMarked, markTemplate, stripMarkers, withoutMarkers } from './source-map.js';
import { codeMask, findIdentifier, findText, lineColumn } from './sql-text.js';

export interface LocateContext {
  readonly run: RunContext;
  readonly projectRoot: string;
  /** Column names a node can read (its parents' output columns), for "did you mean". */
  readonly inputColumns: (uniqueId: string) => readonly string[];
}

/** Positions of one compiled SQL in the project's files: `files[file[i]]`, `line[i]` for character i. */
interface SourcePositions {
  readonly files: readonly string[];
  readonly file: Int32Array;
  readonly line: Int32Array;
}

/** A place in a project file. */
interface Place {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly via?: string;
}

/**
 * Turns a statement the scratch warehouse refused into issues pointing at the offending text in the
 * template (or macro, or YAML) it came from, with ClickHouse's message and a hint.
 */
export class IssueLocator {
  private readonly sources = new Map<string, string | null>();

  constructor(private readonly ctx: LocateContext) {}

  locate(failure: CheckFailure): ValidationIssue[] {
    const { node, error, statement, sql } = failure;
    const parsed = parseClickHouseError(error.message, (error as { clickhouseCode?: number }).clickhouseCode);
    const base = {
      uniqueId: node.uniqueId,
      severity: 'error' as const,
      code: parsed.name,
      message: failure.variant ? `${parsed.message} (with is_incremental() true)` : parsed.message,
      clickhouseCode: parsed.code,
      hint: this.hint(parsed, node.uniqueId),
      variant: failure.variant,
    };
    if (node.resourceType === 'source' || node.resourceType === 'seed') return [{ ...base, file: node.originalFilePath, line: node.line > 1 ? node.line : undefined }];
    const offset = this.offsetInSql(parsed, statement.sql, statement.bodyOffset, sql);
    const place = this.place(node, sql, offset, parsed, failure.variant === 'is_incremental');
    return [{ ...base, ...place }];
  }

  /** An issue of tsdbt's own about `name` in a model's SQL, at the template line that wrote it. */
  at(node: ModelNode, sql: string, name: string, issue: Omit<ValidationIssue, 'uniqueId' | 'file' | 'line' | 'column'>): ValidationIssue {
    const hits = findIdentifier(sql, name);
    const offset = hits.length ? { at: hits[0]!, length: name.length, text: name } : undefined;
    const parsed: ParsedError = { name: issue.code, message: issue.message, names: [name], texts: [], suggestions: [] };
    return { uniqueId: node.uniqueId, ...issue, ...this.place(node, sql, offset, parsed, false) };
  }

  /** Where in the node's SQL the error is: a syntax error's position, else the first blamed name found. */
  private offsetInSql(parsed: ParsedError, statement: string, bodyOffset: number, sql: string): { at: number; length: number; text?: string } | undefined {
    if (parsed.position !== undefined && bodyOffset >= 0) {
      const at = parsed.position - bodyOffset;
      if (at >= 0 && at <= sql.length) return { at: Math.min(at, Math.max(0, sql.length - 1)), length: 1 };
    }
    const mask = codeMask(sql);
    // JOIN key errors: the keys as written in the first ON clause, when it has them.
    const on = parsed.inJoinOn ? findText(sql, 'on', mask).find((at) => findText(sql.slice(0, at), 'join').length > 0) : undefined;
    for (const name of parsed.names) {
      const hits = findIdentifier(sql, name, mask);
      const hit = on !== undefined ? (hits.find((h) => h > on) ?? hits[0]) : hits.length > 1 && parsed.scope ? inScope(sql, hits, parsed.scope, mask) : hits[0];
      if (hit !== undefined) return { at: hit, length: name.length, text: name };
    }
    for (const text of parsed.texts) {
      const hits = findText(sql, text, mask);
      if (hits.length) return { at: hits[0]!, length: text.length, text };
    }
    void statement;
    return undefined;
  }

  private place(node: ModelNode | TestNode, sql: string, offset: { at: number; length: number; text?: string } | undefined, parsed: ParsedError, incremental: boolean): Place {
    const own: Place = { file: node.originalFilePath, line: node.resourceType === 'test' && node.testType === 'generic' ? node.line : undefined };
    if (node.resourceType === 'test' && node.testType === 'generic') {
      // The test's SQL comes from its macro; the declaration in YAML is what the user wrote for it.
      const inMacro = offset?.text ? this.inMacros(node, offset.text) : undefined;
      return { ...own, via: inMacro ? `${inMacro.file}:${inMacro.line}` : undefined };
    }
    if (!offset) {
      const inTemplate = this.searchTemplate(node.rawCode, parsed);
      return inTemplate ? { file: node.originalFilePath, ...inTemplate } : own;
    }
    const positions = this.positions(node, sql, incremental);
    const fileIndex = positions?.file[offset.at] ?? -1;
    const line = positions?.line[offset.at] ?? 0;
    if (positions && fileIndex >= 0 && line > 0) {
      const file = positions.files[fileIndex]!;
      const lineText = this.read(file)?.split('\n')[line - 1] ?? '';
      const column = offset.text ? columnOf(lineText, offset.text) : undefined;
      // Text that is not on the template line came from an expression there: a macro's output.
      if (offset.text && column === undefined) {
        const inMacro = this.inMacros(node, offset.text);
        if (inMacro) return { ...inMacro, via: `${file}:${line}` };
      }
      return { file, line, column };
    }
    if (offset.text) {
      const inTemplate = this.search(node.rawCode, offset.text);
      if (inTemplate) return { file: node.originalFilePath, ...inTemplate };
      const inMacro = this.inMacros(node, offset.text);
      if (inMacro) return inMacro;
    }
    return own;
  }

  /** The compiled SQL's source positions, from a rendering with line markers (undefined when it does not align). */
  private positions(node: ModelNode | TestNode, sql: string, incremental: boolean): SourcePositions | undefined {
    const files: string[] = [];
    const fileId = (path: string) => (files.includes(path) ? files.indexOf(path) : files.push(path) - 1);
    try {
      const marked = this.markedRender(node, fileId(node.originalFilePath), incremental);
      const compiled = compileMarked(this.ctx.run.index, node, marked, (e) => this.markedRender(e, fileId(e.originalFilePath), false).replace(/\s+$/, ''));
      let stripped = stripMarkers(compiled);
      const end = stripped.text.replace(/;\s*$/, '').length;
      if (end < stripped.text.length) stripped = { text: stripped.text.slice(0, end), file: stripped.file.subarray(0, end), line: stripped.line.subarray(0, end) };
      const aligned = alignPositions(sql, stripped);
      return aligned ? { files, ...aligned } : undefined;
    } catch {
      return undefined;
    }
  }

  /** The node's template rendered as for the SQL that failed (as nodeSql() or load render it), with line markers. */
  private markedRender(node: ModelNode | TestNode, file: number, incremental: boolean): string {
    const run = this.ctx.run;
    const runtime = node.resourceType === 'model' && (node.renderAtRuntime || node.needsNames || incremental);
    let state: RenderState;
    if (runtime) {
      const base = renderWarehouse(run, node);
      // Markers must not reach the warehouse (a run_query() of text written in the template): every
      // string argument of every warehouse method is cleaned, whatever methods templates gain.
      const warehouse = new Proxy(base, {
        get: (target, key) => {
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function'
            ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args.map((a) => (typeof a === 'string' ? withoutMarkers(a) : a)))
            : value;
        },
      }) as RenderWarehouse;
      state = runtimeState(run, node, { isIncremental: incremental, node: renderNodeInfo(node), warehouse });
    } else state = newRenderState({ mode: 'parse', node: renderNodeInfo(node) });
    return run.renderer.renderString(markTemplate(node.rawCode, file), node.originalFilePath, state).replace(/\s+$/, '');
  }

  /** The first line of `template` holding one of the error's names (when the SQL did not show where). */
  private searchTemplate(template: string, parsed: ParsedError): Omit<Place, 'file'> | undefined {
    for (const name of parsed.names) {
      const found = this.search(template, name);
      if (found) return found;
    }
    return undefined;
  }

  private search(text: string, name: string): Omit<Place, 'file'> | undefined {
    const hits = findIdentifier(text, name);
    if (!hits.length) return undefined;
    return lineColumn(text, hits[0]!);
  }

  /** The first macro the node used whose file has `name` in its code. */
  private inMacros(node: ModelNode | TestNode, name: string): Place | undefined {
    for (const id of node.macrosUsed) {
      const macro = this.ctx.run.manifest.macros.get(id);
      if (!macro) continue;
      const text = this.read(macro.originalFilePath);
      const hits = text ? findIdentifier(text, name) : [];
      // Prefer a hit inside this macro's own definition (files may hold several).
      const hit = hits.find((h) => lineColumn(text!, h).line >= macro.line) ?? hits[0];
      if (hit !== undefined) return { file: macro.originalFilePath, ...lineColumn(text!, hit) };
    }
    return undefined;
  }

  private read(file: string): string | undefined {
    if (!this.sources.has(file)) {
      const path = join(this.ctx.projectRoot, file);
      this.sources.set(file, existsSync(path) ? readFileSync(path, 'utf8') : null);
    }
    return this.sources.get(file) ?? undefined;
  }

  private hint(parsed: ParsedError, uniqueId: string): string | undefined {
    const parts: string[] = [];
    if (parsed.suggestions.length) parts.push(`Did you mean ${parsed.suggestions.map((s) => `'${s}'`).join(' or ')}?`);
    else if (parsed.name === 'UNKNOWN_IDENTIFIER' && parsed.names.length) {
      const wanted = parsed.names[parsed.names.length - 1]!;
      const inputs = this.ctx.inputColumns(uniqueId);
      const guess = didYouMean(wanted, inputs);
      if (guess && guess.toLowerCase() === wanted.toLowerCase())
        parts.push(
          `'${guess}' is a column of the model's inputs, but not of the SELECT that reads it: select it in the CTE or subquery it reads from (ClickHouse names a selected t.${guess} 't.${guess}' when several joined tables have '${guess}': alias it, t.${guess} AS ${guess}).`,
        );
      else if (guess) parts.push(`Did you mean '${guess}'?`);
    }
    const more = hintFor(parsed);
    if (more) parts.push(more);
    return parts.length ? parts.join(' ') : undefined;
  }
}

/** 1-based column of `name` on a source line (as an identifier, then as text), undefined when absent. */
function columnOf(lineText: string, name: string): number | undefined {
  const hits = findIdentifier(lineText, name);
  if (hits.length) return hits[0]! + 1;
  const i = lineText.toLowerCase().indexOf(name.toLowerCase());
  return i >= 0 ? i + 1 : undefined;
}

/** Lowercased identifiers and keywords of a text. */
const words = (text: string) => new Set((text.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []).filter((w) => !/^__table\d+$/.test(w)));

/**
 * Of several places a name occurs, the one in the SELECT the analyzer named as the error's scope:
 * the hit whose SELECT (from the `select` before it to the next one) shares most words with it.
 */
function inScope(sql: string, hits: readonly number[], scope: string, mask: Uint8Array): number {
  const selects = findText(sql, 'select', mask);
  const wanted = words(scope);
  let best = hits[0]!;
  let bestScore = -1;
  for (const hit of hits) {
    const from = [...selects].reverse().find((s) => s <= hit) ?? 0;
    const to = selects.find((s) => s > hit) ?? sql.length;
    const have = words(sql.slice(from, to));
    let score = 0;
    for (const w of wanted) if (have.has(w)) score++;
    if (score > bestScore) {
      best = hit;
      bestScore = score;
    }
  }
  return best;
}
