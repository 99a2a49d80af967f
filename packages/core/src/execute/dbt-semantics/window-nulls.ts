import type { ManifestNode } from '../../manifest/nodes.js';
import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen } from './select-frames.js';
import { applyEdits } from '../../shared/text-edits.js';

/**
 * dbt's answers on ClickHouse, window half: `lag(x) over (…)` / `lead(x) over (…)` give NULL where
 * there is no previous / next row on every warehouse dbt runs on, but the type's default (0, '',
 * 1970-01-01) on ClickHouse, so `lag(x) is null` never finds the first row of a partition
 * (dbt_expectations' expect_column_values_to_be_increasing compares every row with its lag) and
 * `x - lag(x)` is x there instead of NULL. Under `dbt_semantics` (default on) the first argument of
 * a lag/lead window call without an explicit default is made Nullable (`lag(arrayElementOrNull([x], 1)) over …`),
 * which gives NULL. Left alone: a call with a default (third argument), lagInFrame/leadInFrame,
 * models with an enforced contract (their declared types would change), and text in strings or comments.
 * An Array or Map cannot be NULL on ClickHouse: there the type's default ([] / {}) stays (nullableIfPossible).
 */
export function withNullWindowShifts(node: ManifestNode, sql: string): string {
  if (!/\b(lag|lead|nth_value|first_value|last_value)\s*\(/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  const respecting = windowValuesRespectingNulls(sql);
  if (node.resourceType === 'model' && contractEnforced(node)) return respecting;
  return nullableWindowShifts(respecting);
}

/**
 * `first_value(x) over (…)` / `last_value(x) over (…)` are the frame's first / last row's value on every
 * warehouse dbt runs on — NULL when that row's x is NULL — but ClickHouse's skip NULLs (first_value over
 * [NULL, 1, 2] is 1, Postgres' NULL). A window call without a null treatment gets SQL's default,
 * `first_value(x) RESPECT NULLS over (…)` (ClickHouse's first_value_respect_nulls: same type, same column
 * name). Written IGNORE NULLS / RESPECT NULLS, an aggregate call without OVER, strings and comments: left alone.
 */
export function windowValuesRespectingNulls(sql: string): string {
  if (!/\b(first_value|last_value)\s*\(/i.test(sql)) return sql;
  const code = blankNonCode(sql);
  const inserts: number[] = [];
  for (const m of code.matchAll(/(?<![\w$.`"])(first_value|last_value)\s*\(/gi)) {
    const close = closingParen(code, m.index! + m[0].length - 1);
    if (close >= 0 && /^\s*over\b/i.test(code.slice(close + 1, close + 64))) inserts.push(close + 1);
  }
  return applyEdits(sql, inserts.map((at) => ({ at, length: 0, text: ' RESPECT NULLS' })));
}

/**
 * x as a Nullable value where its type can be one, else as it is: `arrayElementOrNull([x], 1)` is Nullable(T)
 * for a number, string, date… (as toNullable(x)) and T itself for an Array or Map, which ClickHouse cannot make
 * Nullable — toNullable(x) failed the whole query ("Nested type Array(…) cannot be inside Nullable type"), so a
 * model with `lag(tags) over (…)` did not build. Decided by ClickHouse from x's type, so no type look-up here.
 */
export function nullableIfPossible(x: string): string {
  return `${NULLABLE_OPEN}${x}${NULLABLE_CLOSE}`;
}
const [NULLABLE_OPEN, NULLABLE_CLOSE] = ['arrayElementOrNull([', '], 1)'];

/** Whether an argument is already made Nullable (by hand or by a rewrite before). */
export const isMadeNullable = (arg: string): boolean => /^\s*(?:toNullable|arrayElementOrNull)\s*\(/i.test(arg);

/**
 * `lag(x[, n]) over` / `lead(x[, n]) over` → `lag(nullableIfPossible(x)[, n]) over` outside strings and comments.
 * Likewise where the frame may hold no row, or fewer than n, which is NULL in SQL and the type's default on
 * ClickHouse: `nth_value(x, n) over` (the first row of a growing frame has no 2nd value), and
 * `first_value(x)` / `last_value(x)` over a frame wholly before or after the current row
 * (`rows between 1 following and 1 following` on the last row).
 */
export function nullableWindowShifts(sql: string): string {
  const code = blankNonCode(sql);
  const inserts: { at: number; text: string }[] = [];
  for (const m of code.matchAll(/(?<![\w$.`"])(lag|lead|nth_value|first_value|last_value)\s*\(/gi)) {
    const name = m[1]!.toLowerCase();
    const open = m.index! + m[0].length - 1;
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let i = open; i < code.length; i++) {
      const c = code[i]!;
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        depth--;
        if (depth === 0) {
          close = i;
          break;
        }
      } else if (c === ',' && depth === 1) commas.push(i);
    }
    const over = /^\s*(?:(?:respect|ignore)\s+nulls\s*)?over\b\s*/i.exec(code.slice(close + 1, close + 64));
    if (close < 0 || !over) continue;
    if (name === 'nth_value' ? commas.length !== 1 : name === 'lag' || name === 'lead' ? commas.length > 1 : commas.length > 0 || !mayBeEmptyFrame(code, close + 1 + over[0].length)) continue;
    const argEnd = commas[0] ?? close;
    // Trimmed without its comments: one ending the argument stays outside the wrapping (a `-- …` would comment it out).
    const arg = blankNonCode(sql.slice(open + 1, argEnd), { keepQuoted: true });
    if (!arg.trim() || isMadeNullable(arg)) continue;
    const start = open + 1 + (arg.length - arg.trimStart().length);
    const end = argEnd - (arg.length - arg.trimEnd().length);
    inserts.push({ at: start, text: NULLABLE_OPEN }, { at: end, text: NULLABLE_CLOSE });
  }
  return applyEdits(sql, inserts.map(({ at, text }) => ({ at, length: 0, text })));
}

/** Whether the window spec opening at `at` (`(…)`) has a frame wholly before or wholly after the current row. */
function mayBeEmptyFrame(code: string, at: number): boolean {
  if (code[at] !== '(') return false;
  const spec = code.slice(at + 1, closingParen(code, at));
  const frame = /\b(?:rows|range|groups)\s+between\s+([\s\S]+?)\s+and\s+([\s\S]+?)\s*$/i.exec(spec);
  if (!frame) return false;
  const side = (bound: string) => (/\bpreceding\b/i.test(bound) ? 'before' : /\bfollowing\b/i.test(bound) ? 'after' : 'current');
  const [a, b] = [side(frame[1]!), side(frame[2]!)];
  return a === b && a !== 'current';
}
