import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';

/*
 * dbt's answers on ClickHouse, float half: `float` is a double on Postgres, Redshift and Snowflake
 * (and dbt's own `type_float()`), but ClickHouse's FLOAT is Float32, so `count(*)::float` or
 * `cast(amount as float)` keeps about 7 digits (0.1 is stored as 0.10000000149) and no longer equals
 * the same value from a seed or another model. Under `dbt_semantics` (default on), a model's,
 * snapshot's or test's `x::float` and `cast(x as float)` run as Float64. Left out: a model with an
 * enforced contract (its declared types decide) and any other spelling (`Float32`, `real`, `float4`).
 */
export function withDoubleFloatCasts(node: ManifestNode, sql: string): string {
  if (!/\bfloat\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  if (node.resourceType === 'model' && contractEnforced(node)) return sql;
  const code = blankNonCode(sql);
  const at: number[] = [];
  for (const m of code.matchAll(/::\s*(float)\b(?!\s*\()|\bas\s+(float)\s*\)/gi)) at.push(m.index! + m[0].toLowerCase().lastIndexOf('float'));
  let out = sql;
  for (const i of at.sort((a, b) => b - a)) out = out.slice(0, i) + 'Float64' + out.slice(i + 'float'.length);
  return out;
}
