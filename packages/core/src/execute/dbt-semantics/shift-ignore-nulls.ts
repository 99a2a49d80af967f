import type { ManifestNode } from '../../manifest/nodes.js';
import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { ProjectError } from '../../shared/errors.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen, splitTopLevel } from './select-frames.js';
import { nullableIfPossible } from './window-nulls.js';

/*
 * `lag(x) IGNORE NULLS over (…)`, `lead(…) IGNORE NULLS`, `nth_value(x, n) IGNORE NULLS` (Snowflake, Redshift,
 * Databricks; DuckDB and BigQuery write the modifier inside the call). ClickHouse parses the modifier after
 * these three and does not apply it: lag gives the previous row's NULL instead of the last value that is not
 * NULL — a different answer with no error (inside the call it is a SYNTAX_ERROR). Written as what ClickHouse
 * computes with the modifier honoured (first_value/last_value skip NULLs; groupArray keeps only the values
 * that are not NULL):
 * - lag(x) IGNORE NULLS over (s)  → last_value(x) IGNORE NULLS over (s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
 * - lead(x) IGNORE NULLS over (s) → first_value(x) IGNORE NULLS over (s ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
 * - lag/lead(x, n) with n > 1      → the n-th last / n-th value of groupArray(x) over that frame
 * - nth_value(x, n) IGNORE NULLS over (s) → the n-th value of groupArray(x) over (s) (its own frame)
 * A default (third argument) is coalesced in. x is made Nullable where its type can be (SQL's NULL where no value is found, as
 * window-nulls.ts does for lag) unless the model enforces a contract. A frame written in a lag/lead's window
 * is dropped (Postgres ignores it; Snowflake refuses it). RESPECT NULLS — the default — is dropped (ClickHouse refuses it
 * on these: NOT_IMPLEMENTED after the call, SYNTAX_ERROR inside). What cannot be written so (a window named in a WINDOW clause that is not
 * found once, an offset that is not a positive integer, nth_value … FROM LAST) fails the node with a clear
 * error instead of an answer that silently differs. Applied with or without dbt_semantics: the modifier says
 * what the author wants.
 */
export function withShiftIgnoreNulls(node: ManifestNode | undefined, sql: string): string {
  if (!/\bnulls\b/i.test(sql) || !/\b(?:lag|lead|nth_value)\s*\(/i.test(sql)) return sql;
  const nullable = !(node && node.resourceType === 'model' && contractEnforced(node));
  // One call at a time, the last one first (an inner call is rewritten before the call around it); each edit
  // removes a null treatment, so this ends.
  for (let out = sql; ; ) {
    const code = blankNonCode(out);
    const calls = [...code.matchAll(/(?<![\w$.`"])(lag|lead|nth_value)\s*\(/gi)].reverse();
    let edit: Edit | undefined;
    for (const m of calls) if ((edit = rewrite(node, out, code, m, nullable))) break;
    if (!edit) return out;
    out = out.slice(0, edit.at) + edit.text + out.slice(edit.end);
  }
}

type Edit = { at: number; end: number; text: string };

function rewrite(node: ManifestNode | undefined, sql: string, code: string, m: RegExpMatchArray, nullable: boolean): Edit | undefined {
  const name = m[1]!.toLowerCase() as 'lag' | 'lead' | 'nth_value';
  const at = m.index!;
  const open = at + m[0].length - 1;
  const close = closingParen(code, open);
  if (close < 0) return undefined;
  const args = splitTopLevel(code, open + 1, close);
  if (args.length === 0) return undefined;
  const last = args[args.length - 1]!;
  const inside = /\s+(ignore|respect)\s+nulls\s*$/i.exec(code.slice(last.start, last.end));
  const after = /^(\s*from\s+(first|last))?\s*(ignore|respect)\s+nulls\b/i.exec(code.slice(close + 1));
  const treatment = (inside?.[1] ?? after?.[3])?.toLowerCase();
  if (!treatment) return undefined;
  if (after?.[2]?.toLowerCase() === 'last') return fail(node, `${name}(…) FROM LAST`, 'Order the window the other way round and use FROM FIRST (the default).');
  // RESPECT NULLS is the default, which ClickHouse refuses to be told on these (NOT_IMPLEMENTED; a SYNTAX_ERROR inside the call).
  if (treatment === 'respect') return inside ? { at: last.start + inside.index, end: last.end, text: '' } : { at: close + 1, end: close + 1 + after![0].length, text: '' };
  const argText = (k: number) => {
    const a = args[k]!;
    return sql.slice(a.start, k === args.length - 1 && inside ? a.start + inside.index : a.end).trim();
  };
  const afterEnd = close + 1 + (after ? after[0].length : 0);
  const window = windowSpec(code, sql, afterEnd);
  if (!window) return fail(node, `${name}(…) IGNORE NULLS without an OVER clause`, 'Write it as a window function call: … IGNORE NULLS OVER (PARTITION BY … ORDER BY …).');
  if ('named' in window) return fail(node, `${name}(…) IGNORE NULLS OVER ${window.named} (a window defined by name)`, 'Write the window inline: OVER (PARTITION BY … ORDER BY …).');
  const x = nullable ? nullableIfPossible(argText(0)) : argText(0);
  const element = nullable ? 'arrayElementOrNull' : 'arrayElement';
  let text: string;
  if (name === 'nth_value') {
    if (args.length !== 2) return undefined;
    text = `${element}(groupArray(${argText(0)}) OVER (${window.spec}), ${argText(1)})`;
  } else {
    if (args.length > 3) return undefined;
    const offsetText = args.length > 1 ? argText(1) : '1';
    if (!/^\d+$/.test(offsetText) || Number(offsetText) < 1) return fail(node, `${name}(…, ${offsetText}) IGNORE NULLS`, 'Give the offset as a positive whole number.');
    const n = Number(offsetText);
    const spec = withoutFrame(window.spec);
    const frame = name === 'lag' ? 'ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING' : 'ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING';
    const over = `OVER (${spec ? `${spec} ` : ''}${frame})`;
    text =
      n === 1
        ? `${name === 'lag' ? 'last_value' : 'first_value'}(${x}) IGNORE NULLS ${over}`
        : `${element}(groupArray(${argText(0)}) ${over}, ${name === 'lag' ? -n : n})`;
    if (args.length === 3) text = `coalesce(${text}, ${argText(2)})`;
  }
  return { at, end: window.end, text };
}

/** The window after a call: `over (spec)` (spec as written, end after its `)`), or the name of a named window. */
function windowSpec(code: string, sql: string, from: number): { spec: string; end: number } | { named: string } | undefined {
  const over = /^\s*over\s*(\(|[\w$]+)/i.exec(code.slice(from));
  if (!over) return undefined;
  if (over[1] !== '(') {
    const specs = namedWindows(code).filter((w) => w.name.toLowerCase() === over[1]!.toLowerCase());
    if (specs.length !== 1) return { named: over[1]! };
    return { spec: sql.slice(specs[0]!.open + 1, specs[0]!.close).trim(), end: from + over[0].length };
  }
  const open = from + over[0].length - 1;
  const close = closingParen(code, open);
  if (close < 0) return undefined;
  return { spec: sql.slice(open + 1, close).trim(), end: close + 1 };
}

/** The windows of every `WINDOW a AS (…), b AS (…)` clause: name and the offsets of its spec's parentheses. */
function namedWindows(code: string): { name: string; open: number; close: number }[] {
  const out: { name: string; open: number; close: number }[] = [];
  for (const w of code.matchAll(/\bwindow\s+/gi)) {
    let at = w.index! + w[0].length;
    for (;;) {
      const item = /^([\w$]+)\s+as\s*\(/i.exec(code.slice(at));
      if (!item) break;
      const open = at + item[0].length - 1;
      const close = closingParen(code, open);
      if (close < 0) break;
      out.push({ name: item[1]!, open, close });
      const comma = /^\s*,\s*/.exec(code.slice(close + 1));
      if (!comma) break;
      at = close + 1 + comma[0].length;
    }
  }
  return out;
}

/** A window spec without its frame clause (`rows|range|groups …` at the top level comes last in a spec). */
function withoutFrame(spec: string): string {
  const code = blankNonCode(spec);
  let depth = 0;
  for (const m of code.matchAll(/[()]|\b(?:rows|range|groups)\b/gi)) {
    if (m[0] === '(') depth++;
    else if (m[0] === ')') depth--;
    else if (depth === 0) return spec.slice(0, m.index).trim();
  }
  return spec;
}

function fail(node: ManifestNode | undefined, what: string, hint: string): never {
  throw new ProjectError('unsupported_sql', `${what}: ClickHouse would not apply it as written (a silently different answer or an error), and tsdbt cannot rewrite this form`, {
    ...(node ? { file: node.originalFilePath } : {}),
    hint,
  });
}
