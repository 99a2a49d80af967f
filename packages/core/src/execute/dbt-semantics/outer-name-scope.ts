import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { selectFrames, type SelectFrame } from './select-frames.js';
import { tableRefs, type TableRef } from './self-join-aliases.js';

/*
 * In standard SQL a subquery's `FROM t AS s` hides the name `t`: a `t.col` written inside that
 * subquery reads the OUTER query's `t` (Postgres, Snowflake, BigQuery, Redshift…). ClickHouse 26.7
 * resolves it to the inner, renamed `t`, silently: `(select count() from t as s where s.k = t.k)`
 * compares each inner row with itself (automate-dv's multi-active satellite re-inserted every row on
 * each incremental run). Under dbt_semantics the inner relation becomes `(SELECT * FROM t) AS s`,
 * which has no name `t`, so ClickHouse reads `t.col` from the enclosing query as the others do.
 * Only where the subquery writes `t.` and an enclosing SELECT's FROM makes `t` visible: otherwise the
 * standard query is an error and ClickHouse's reading is the only one.
 */

export function withOuterNameScope(node: ManifestNode, sql: string): string {
  if (!/\bselect\b[\s\S]*\bselect\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return outerNameScope(sql);
}

/** Unquoted, lower-cased last part of a relation name or an alias (`db.T` → `t`, `` `T` `` → `t`). */
const bare = (name: string) => name.split('.').at(-1)!.replace(/^[`"]|[`"]$/g, '').toLowerCase();

/** The name a FROM item makes visible: its alias, else its relation's last part. */
const visibleName = (ref: TableRef) => (ref.aliased && ref.alias ? bare(ref.alias) : bare(ref.name));

const frameEnd = (f: SelectFrame) => Math.max(f.start, ...f.items.map((s) => s.end), ...f.clauses.map((c) => c.end));

/** `sql` with each inner `t AS s` whose subquery qualifies columns by an outer `t` read as `(SELECT * FROM t) AS s`. */
export function outerNameScope(sql: string): string {
  const code = blankNonCode(sql);
  const quoted = blankNonCode(sql, { keepQuoted: true });
  const frames = selectFrames(code).map((f) => {
    const from = f.clauses.find((c) => c.word === 'from');
    return { start: f.start, end: frameEnd(f), from, refs: from ? tableRefs(quoted, from.start, from.end) : [] };
  });
  const replaced: TableRef[] = [];
  for (const inner of frames) {
    // A subquery in another SELECT's FROM (a derived table) does not see that SELECT's names.
    const enclosing = frames.filter((o) => o !== inner && o.start < inner.start && o.end >= inner.end && !(o.from && o.from.start < inner.start && inner.start < o.from.end));
    if (enclosing.length === 0) continue;
    for (const ref of inner.refs) {
      if (!ref.aliased || !ref.alias) continue;
      const name = bare(ref.name);
      if (bare(ref.alias) === name) continue;
      if (!enclosing.some((o) => o.refs.some((r) => visibleName(r) === name))) continue;
      // `t.` as a qualifier inside the subquery (not `x.t.`), its own FROM item aside.
      const qualifier = new RegExp(`(?<![\\w.$\`])\`?${name.replace(/[$]/g, '\\$')}\`?\\s*\\.`, 'gi');
      const text = code.slice(inner.start, inner.end);
      const uses = [...text.matchAll(qualifier)].some((m) => {
        const at = inner.start + m.index!;
        return at < ref.start || at >= ref.end;
      });
      if (uses) replaced.push(ref);
    }
  }
  let out = sql;
  for (const ref of replaced.sort((a, b) => b.start - a.start)) out = `${out.slice(0, ref.start)}(SELECT * FROM ${sql.slice(ref.start, ref.end)})${out.slice(ref.end)}`;
  return out;
}
