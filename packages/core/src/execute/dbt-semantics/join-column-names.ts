import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { quoteIdentifier } from '../../render/placeholders.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { selectFrames, type Span } from './select-frames.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * dbt's column names for joins, inside a query. On every warehouse dbt runs on, `select
 * invoice.invoice_id … from line join invoice on …` yields a column named `invoice_id`; ClickHouse
 * names it `invoice.invoice_id` when another joined table also has an `invoice_id` (ClickHouse
 * #34697, #66133; any number of joins, no setting changes it). A CTE or subquery written that way
 * then fails where the next SELECT reads `invoice_id` ("Unknown expression identifier", or an
 * "ambiguous identifier" in a later join) — fivetran's dbt_stripe does it in several models.
 * execute/dbt-semantics/dequalify.ts renames the final output only; this gives each SELECT that joins the
 * names dbt expects: a projection item that is nothing but a qualified column (`t.col`,
 * `db.t.col`, quoted or not) gets `AS col`, unless another item of that SELECT already yields
 * `col` (then the prefix stays: two `t.id`s cannot both be `id`) or the SELECT has a `*`.
 * Under `dbt_semantics` (default on), for models, snapshots and tests.
 */

export function withJoinColumnNames(node: ManifestNode, sql: string): string {
  if (!/\bjoin\b|,/i.test(sql) || !/\bselect\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  if (node.resourceType === 'model' && contractEnforced(node)) return sql;
  return aliasJoinedColumns(sql);
}

const IDENT = '(?:`(?:[^`\\\\]|\\\\.)+`|"(?:[^"\\\\]|\\\\.)+"|[A-Za-z_][A-Za-z0-9_$]*)';
/** A projection item that is a qualified column and nothing else (leading DISTINCT/ALL allowed). */
const QUALIFIED_ITEM = new RegExp(`^(\\s*(?:(?:distinct|all)\\s+)?)(${IDENT}(?:\\s*\\.\\s*${IDENT}){1,2})\\s*$`, 'i');
/** `*`, `t.*`, `db.t.*`, with EXCEPT/REPLACE/APPLY after it. */
const STAR_ITEM = new RegExp(`^\\s*(?:(?:distinct|all)\\s+)?(?:${IDENT}\\s*\\.\\s*)*\\*(?:\\s|$)`, 'i');
const LAST_IDENT = new RegExp(`(${IDENT})\\s*$`);

/** `sql` with `AS col` after each bare `t.col` item of a SELECT that joins (see above). */
export function aliasJoinedColumns(sql: string): string {
  const joined = selectFrames(blankNonCode(sql)).filter((f) => f.joins);
  if (joined.length === 0) return sql;
  const uncommented = blankNonCode(sql, { keepQuoted: true }); // comments blanked, names and literals kept: what the items are read from
  const inserts = joined.flatMap((f) => aliasesFor(uncommented, f.items));
  return applyEdits(sql, inserts.map(({ at, text }) => ({ at, length: 0, text })));
}

/** The `AS col` insertions for one SELECT's projection items (none when it has a `*`). */
function aliasesFor(uncommented: string, items: readonly Span[]): { at: number; text: string }[] {
  const texts = items.map((i) => uncommented.slice(i.start, i.end));
  if (texts.some((t) => STAR_ITEM.test(t) || /\bcolumns\s*\(/i.test(t))) return [];
  const candidates: { at: number; name: string }[] = [];
  const names: string[] = [];
  texts.forEach((text, i) => {
    const q = QUALIFIED_ITEM.exec(text);
    if (q) {
      const parts = q[2]!.split(/\s*\.\s*/);
      const name = unquote(parts.at(-1)!);
      candidates.push({ at: items[i]!.start + q[1]!.length + q[2]!.length, name });
      names.push(name);
    } else {
      const last = LAST_IDENT.exec(text.trimEnd());
      if (last) names.push(unquote(last[1]!));
    }
  });
  return candidates.filter((c) => names.filter((n) => n === c.name).length === 1).map((c) => ({ at: c.at, text: ` AS ${quoteIdentifier(c.name)}` }));
}

const unquote = (ident: string) => (/^[`"]/.test(ident) ? ident.slice(1, -1).replace(/\\(.)/g, '$1') : ident);
