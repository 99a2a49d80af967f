import { clickhouseTypeSpelling } from '../../adapter/type-spelling.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen } from './select-frames.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * A cast to a type name of Postgres, Snowflake, Redshift, DuckDB or BigQuery that ClickHouse has no family for —
 * `created_at::timestamptz`, `id::int8` (8 bytes there), `amount::float8`, `cast(x as string)`, `x::number(38, 2)`,
 * `::timestamp_ntz`, `cast(t as timestamp with time zone)` — is "Unknown data type family" on ClickHouse. The type is
 * written as the ClickHouse type of the same range, as seeds' column_types are (adapter/type-spelling.ts):
 * Int64, Float64, String, Decimal(38, 2), DateTime64(6)… A type ClickHouse knows as written is left alone, so no
 * query that runs today changes. `x::T` and `CAST(x AS T)`; ClickHouse's `CAST(x, 'T')` is ClickHouse's.
 */
export function withWarehouseTypeNames(sql: string): string {
  if (!/::|\bcast\s*\(/i.test(sql)) return sql;
  const code = blankNonCode(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  const respell = (start: number, end: number) => {
    const type = sql.slice(start, end);
    const spelled = clickhouseTypeSpelling(type);
    if (spelled !== type) edits.push({ start, end, text: spelled });
  };
  for (const m of code.matchAll(/::\s*(timestamp\s*(?:\(\s*\d\s*\)\s*)?with(?:out)?\s+time\s+zone\b|[A-Za-z_]\w*(?:\s*\([\d\s,]*\))?)/gi))
    respell(m.index! + m[0].length - m[1]!.length, m.index! + m[0].length);
  for (const m of code.matchAll(/(?<![\w$.])cast\s*\(/gi)) {
    const open = m.index! + m[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    // The last AS at the call's own depth starts the type.
    let depth = 0;
    let as = -1;
    for (let i = open + 1; i < close; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')') depth--;
      else if (depth === 0 && /^as\b/i.test(code.slice(i, i + 3)) && /[\s)]/.test(code[i - 1]!)) as = i;
    }
    if (as >= 0) respell(as + 2 + (code.slice(as + 2, close).length - code.slice(as + 2, close).trimStart().length), close - (code.slice(as + 2, close).length - code.slice(as + 2, close).trimEnd().length));
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.start, length: e.end - e.start, text: e.text })));
}
