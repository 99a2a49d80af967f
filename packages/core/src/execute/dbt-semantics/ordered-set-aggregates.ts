import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen, splitTopLevel } from './select-frames.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * SQL's ordered-set aggregate `percentile_cont(p) within group (order by x)` (SQL:2008; Postgres,
 * Snowflake, Redshift, DuckDB, Databricks — the usual way dbt projects write a median or quartile) is
 * a syntax error on ClickHouse. Its answer is ClickHouse's `quantileExactInclusive(p)(x)`: both
 * interpolate linearly between the two nearest values (Hyndman & Fan's R-7) and skip NULLs; the value
 * is read as a Nullable double (SQL's percentile_cont casts to double precision; ClickHouse refuses a Decimal
 * there) so that a group without values gives NULL, as in SQL, not nan. `order by x desc`
 * is the (1 - p) percentile. `percentile_disc(p)` is the first sorted value whose position reaches p of the
 * count, as Postgres computes it. An OVER clause after percentile_cont stays (ClickHouse aggregates are window functions
 * too). Rewritten in the SQL a node runs (target/run); ClickHouse refuses the original, so no query
 * that runs today changes.
 */
export function withOrderedSetAggregates(sql: string): string {
  return withOrderedAggregates(withPercentiles(sql));
}

function withPercentiles(sql: string): string {
  if (!/\bwithin\s+group\b/i.test(sql)) return sql;
  const code = blankNonCode(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const m of code.matchAll(/\b(percentile_cont|percentile_disc)\s*\(/gi)) {
    if (edits.some((e) => m.index! < e.end)) continue; // inside one rewritten already
    const disc = m[1]!.toLowerCase() === 'percentile_disc';
    const argsOpen = m.index! + m[0].length - 1;
    const argsClose = closingParen(code, argsOpen);
    if (argsClose < 0) continue;
    const within = /^\s*within\s+group\s*\(/i.exec(code.slice(argsClose + 1));
    if (!within) continue;
    const groupOpen = argsClose + within[0].length;
    const groupClose = closingParen(code, groupOpen);
    if (groupClose < 0) continue;
    const order = /^\s*order\s+by\s+([\s\S]*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(?:first|last))?\s*$/i.exec(code.slice(groupOpen + 1, groupClose));
    if (!order || hasTopLevelComma(order[1]!)) continue;
    const p = sql.slice(argsOpen + 1, argsClose).trim();
    const exprStart = groupOpen + 1 + order[0].indexOf(order[1]!);
    const x = sql.slice(exprStart, exprStart + order[1]!.length).trim();
    const desc = order[2]?.toLowerCase() === 'desc';
    if (disc) {
      // SQL's percentile_disc: the first value (in the order) whose position reaches p of the non-NULL count, as
      // Postgres computes it (ceil(p * n), at least the first). Not an aggregate call, so not before an OVER.
      if (/^\s*over\b/i.test(code.slice(groupClose + 1))) continue;
      const n = `countIf((${x}) IS NOT NULL)`;
      const sorted = `${desc ? 'arrayReverseSort' : 'arraySort'}(groupArrayIf(${x}, (${x}) IS NOT NULL))`;
      edits.push({ start: m.index!, end: groupClose + 1, text: `if(${n} = 0, NULL, arrayElement(${sorted}, toUInt64(greatest(1, ceil((${p}) * ${n})))))` });
      continue;
    }
    const fraction = desc ? `1 - (${p})` : p;
    edits.push({ start: m.index!, end: groupClose + 1, text: `quantileExactInclusive(${fraction})(toNullable(toFloat64(${x})))` });
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.start, length: e.end - e.start, text: e.text })));
}


function hasTopLevelComma(code: string): boolean {
  let depth = 0;
  for (const c of code) {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

/*
 * The ordered forms of the string and array aggregates: `string_agg(x, sep order by k)` and
 * `array_agg(x order by k)` (Postgres, DuckDB, BigQuery), `listagg(x, sep) within group (order by k)`
 * (Snowflake, Redshift; DuckDB's `listagg(x, sep order by k)`), and `listagg` itself, which ClickHouse
 * lacks. Each becomes the values sorted by their key: NULL values skipped by string_agg/listagg as in SQL
 * (a group of only NULLs gives NULL), kept by array_agg. One sort key (asc or desc); DISTINCT when the
 * key is the value itself (SQL's rule for DISTINCT with ORDER BY); `string_agg(distinct x, sep)`, which
 * ClickHouse refuses, too. Anything else is left as written.
 */
function withOrderedAggregates(sql: string): string {
  if (!/\b(?:string_agg|array_agg|listagg)\s*\(/i.test(sql)) return sql;
  const code = blankNonCode(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const m of code.matchAll(/\b(string_agg|array_agg|listagg)\s*\(/gi)) {
    if (edits.some((e) => m.index! < e.end)) continue;
    const fn = m[1]!.toLowerCase();
    const open = m.index! + m[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    let end = close + 1;
    let args = { start: open + 1, end: close };
    let key: { start: number; end: number; desc: boolean } | undefined;
    const inner = topLevelOrderBy(code, args.start, args.end);
    if (inner) {
      key = inner.key;
      args = { start: args.start, end: inner.at };
    } else if (fn === 'listagg') {
      const within = /^\s*within\s+group\s*\(/i.exec(code.slice(close + 1));
      if (within) {
        const groupOpen = close + within[0].length;
        const groupClose = closingParen(code, groupOpen);
        const order = groupClose < 0 ? undefined : topLevelOrderBy(code, groupOpen + 1, groupClose);
        if (!order || code.slice(groupOpen + 1, order.at).trim() !== '') continue;
        key = order.key;
        end = groupClose + 1;
      }
    }
    // ClickHouse has string_agg and array_agg themselves, but refuses string_agg(DISTINCT x, sep).
    if (!key && fn !== 'listagg' && !(fn === 'string_agg' && /^\s*distinct\s/i.test(code.slice(args.start, args.end)))) continue;
    const parts = splitTopLevel(code, args.start, args.end).map((p) => sql.slice(p.start, p.end).trim());
    if (parts.length === 0 || parts.length > 2 || (fn === 'array_agg' && parts.length !== 1)) continue;
    const distinct = /^distinct\s+/i.exec(parts[0]!);
    const x = distinct ? parts[0]!.slice(distinct[0].length).trim() : parts[0]!;
    const k = key ? sql.slice(key.start, key.end).trim() : undefined;
    if (distinct && k !== undefined && k !== x) continue;
    const sep = parts[1] ?? "''";
    const sorted = (values: string) => (key?.desc ? `arrayReverseSort(${values})` : `arraySort(${values})`);
    let values: string;
    if (distinct) values = k === undefined ? `groupUniqArrayIf(${x}, (${x}) IS NOT NULL)` : sorted(`groupUniqArrayIf(${x}, (${x}) IS NOT NULL)`);
    else if (k === undefined) values = `groupArrayIf(${x}, (${x}) IS NOT NULL)`;
    else {
      const pairs = fn === 'array_agg' ? `groupArray(tuple(${x}, ${k}))` : `groupArrayIf(tuple(${x}, ${k}), (${x}) IS NOT NULL)`;
      values = `arrayMap(t -> t.1, ${key!.desc ? 'arrayReverseSort' : 'arraySort'}(t -> t.2, ${pairs}))`;
    }
    const text = fn === 'array_agg' ? values : `if(countIf((${x}) IS NOT NULL) = 0, NULL, arrayStringConcat(${values}, ${sep}))`;
    edits.push({ start: m.index!, end, text });
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.start, length: e.end - e.start, text: e.text })));
}

/** `order by <one key> [asc|desc]` at the top level of code[start, end): where it starts and its key. */
function topLevelOrderBy(code: string, start: number, end: number): { at: number; key: { start: number; end: number; desc: boolean } } | undefined {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /[oO]/.test(c!) && /^order\s+by\b/i.test(code.slice(i, end)) && !/[\w$]/.test(code[i - 1] ?? ' ')) {
      const by = /^order\s+by\s+/i.exec(code.slice(i, end))!;
      const rest = code.slice(i + by[0].length, end);
      const m = /^([\s\S]*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(?:first|last))?\s*$/i.exec(rest)!;
      if (hasTopLevelComma(m[1]!)) return undefined;
      const keyStart = i + by[0].length;
      return { at: i, key: { start: keyStart, end: keyStart + m[1]!.length, desc: m[2]?.toLowerCase() === 'desc' } };
    }
  }
  return undefined;
}

