import { clickhouseTypeSpelling } from '../../adapter/type-spelling.js';
import { UNBOUNDED_NUMERIC } from '../../shared/dbt-type-names.js';

/*
 * try_cast(x AS T) (Snowflake, Databricks, DuckDB, SQL Server): the cast, or NULL where the text does not
 * read as a T — ClickHouse has no try_cast (UNKNOWN_FUNCTION). Written with accurateCastOrNull, which is NULL
 * for text that is not a number and for a value out of the type's range, over the text trimmed (those
 * warehouses read ' 12 ' as 12):
 * - integers (int, bigint, int4, Int32…): text read as an integer, a number (float, decimal) rounded half away
 *   from zero (was NULL for 12.7 where DuckDB gives 13, Databricks 12); floats (float and double are Float64, as dbt_semantics' casts);
 * - decimals numeric/decimal/number(p, s): read exactly, rounded half away from zero at s (Snowflake,
 *   where ClickHouse's cast truncates), NULL past p digits (ClickHouse's Decimal(p, s) would keep them);
 *   without precision, dbt_semantics' Decimal(76, 10);
 * - text types: the value as text.
 * - date: text 'YYYY-M-D' read as a Date32, NULL unless its year, month and day are the ones written (ClickHouse
 *   reads '2024-02-30' as 2024-03-01, where try_cast gives NULL) or it is some other text; a date or time value
 *   is its date (tuva's default__try_to_cast_date).
 * Time types are left as written (an error).
 */
export function tryCastExpression(value: string, type: string): string | undefined {
  const t = type.trim().replace(/\s+/g, ' ');
  const text = `trimBoth(toString(${value}))`;
  if (/^(varchar|text|string|char|character varying|nvarchar|bpchar)\b/i.test(t)) return `toString(${value})`;
  if (/^(float|double|double precision|real|float4|float8|float32|float64)$/i.test(t)) return `accurateCastOrNull(${text}, '${/^(real|float4|float32)$/i.test(t) ? 'Float32' : 'Float64'}')`;
  if (/^(int|u?int(8|16|32|64|128|256)|integer|bigint|smallint|tinyint|int2|int4|hugeint)$/i.test(t)) {
    const asText = `accurateCastOrNull(${text}, '${clickhouseTypeSpelling(t)}')`;
    if (/^(u?int(128|256)|hugeint)$/i.test(t)) return asText;
    // A number (float, decimal) is rounded, as those warehouses' casts: its text read as an integer
    // was NULL for 12.7. Text keeps the integer reading; the branch is on the argument's type.
    // (Through Int256: accurateCastOrNull of a Decimal out of the type's range throws DECIMAL_OVERFLOW.)
    const rounded = `accurateCastOrNull(toInt256(round(accurateCastOrNull(${text}, 'Decimal(76, 38)'), 0)), '${clickhouseTypeSpelling(t)}')`;
    return `if(match(toTypeName(${value}), 'String'), ${asText}, ${rounded})`;
  }
  if (/^(date|date32)$/i.test(t)) {
    const d = `accurateCastOrNull(${text}, 'Date32')`;
    const part = (k: number) => `toInt64OrZero(splitByChar('-', ${text})[${k}])`;
    const asText = `if(match(${text}, '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$') AND toYear(${d}) = ${part(1)} AND toMonth(${d}) = ${part(2)} AND toDayOfMonth(${d}) = ${part(3)}, ${d}, NULL)`;
    return `if(match(toTypeName(${value}), 'String'), ${asText}, accurateCastOrNull(${value}, 'Date32'))`;
  }
  const decimal = /^(numeric|decimal|number)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/i.exec(t);
  if (!decimal) return undefined;
  if (decimal[2] === undefined) return `accurateCastOrNull(${text}, '${UNBOUNDED_NUMERIC}')`;
  const p = Number(decimal[2]);
  const s = Number(decimal[3] ?? 0);
  if (p < 1 || p > 76 || s > p || s > 38) return undefined;
  const exact = `round(accurateCastOrNull(${text}, 'Decimal(76, 38)'), ${s})`;
  // Integer digits past p - s are an overflow: NULL, as the other warehouses' try_cast.
  return `accurateCastOrNull(if(abs(${exact}) < toDecimal256('1${'0'.repeat(p - s)}', 0), ${exact}, NULL), 'Decimal(${p}, ${s})')`;
}
