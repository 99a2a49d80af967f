import type { ManifestNode } from '../../manifest/nodes.js';
import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen } from './select-frames.js';

/**
 * dbt's answers on ClickHouse, window half: `lag(x) over (…)` / `lead(x) over (…)` give NULL where
 * there is no previous / next row on every warehouse dbt runs on, but the type's default (0, '',
 * 1970-01-01) on ClickHouse, so `lag(x) is null` never finds the first row of a partition
 * (dbt_expectations' expect_column_values_to_be_increasing compares every row with its lag) and
 * `x - lag(x)` is x there instead of NULL. Under `dbt_semantics` (default on) the first argument of
 * a lag/lead window call without an explicit default is made Nullable (`lag(toNullable(x)) over …`),
 * which gives NULL. Left alone: a call with a default (third argument), lagInFrame/leadInFrame,
 * models with an enforced contract (their declared types would change), and text in strings or comments.
 */
export function withNullWindowShifts(node: ManifestNode, sql: string): string {
  if (!/\b(lag|lead|first_value|last_value)\s*\(/i.test(sql)) return sql;
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
  let out = sql;
  for (const at of inserts.reverse()) out = `${out.slice(0, at)} RESPECT NULLS${out.slice(at)}`;
  return out;
}

/** `lag(x[, n]) over` / `lead(x[, n]) over` → `lag(toNullable(x)[, n]) over` outside strings and comments. */
export function nullableWindowShifts(sql: string): string {
  const code = blankNonCode(sql);
  const inserts: { at: number; text: string }[] = [];
  for (const m of code.matchAll(/(?<![\w$.`"])(lag|lead)\s*\(/gi)) {
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
    if (close < 0 || commas.length > 1 || !/^\s*over\b/i.test(code.slice(close + 1, close + 64))) continue;
    const argEnd = commas[0] ?? close;
    const arg = sql.slice(open + 1, argEnd);
    if (!arg.trim()) continue;
    const start = open + 1 + (arg.length - arg.trimStart().length);
    const end = argEnd - (arg.length - arg.trimEnd().length);
    inserts.push({ at: start, text: 'toNullable(' }, { at: end, text: ')' });
  }
  let out = sql;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
