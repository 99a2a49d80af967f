import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import { hasOrNullCombinator } from './empty-aggregates.js';
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
 * The item's table modifiers go inside with it (`t AS s FINAL` → `(SELECT * FROM t FINAL) AS s`: a
 * subquery takes no FINAL), and on a modern server (-OrNull's era) the `*` includes MATERIALIZED and
 * ALIAS columns (`s.m` read as before; the setting stays in that subquery). A virtual column the subquery reads
 * through the alias (`s._part`; bare `_part` when the item is its only FROM item) is listed after the `*`, which
 * leaves it out: `s._part` was "cannot be resolved", and a bare one would have read the outer table's.
 */

export function withOuterNameScope(node: ManifestNode, sql: string, adapter: object): string {
  if (!/\bselect\b[\s\S]*\bselect\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return outerNameScope(sql, { allColumns: hasOrNullCombinator(adapter) });
}

/** A FROM item's alias (`AS s`, `s`, quoted) right after its name, then its FINAL / SAMPLE … [OFFSET …] modifiers. */
const ALIAS = /^\s*(?:as\s+)?(?:`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"|[A-Za-z_][\w$]*)/i;
const RATIO = String.raw`\d[\d.eE+-]*(?:\s*\/\s*\d[\d.eE+-]*)?`;
const MODIFIER = new RegExp(String.raw`^\s+(?:final\b|sample\s+${RATIO}(?:\s+offset\s+${RATIO})?)`, 'i');
const ALL_COLUMNS = ' SETTINGS asterisk_include_materialized_columns = 1, asterisk_include_alias_columns = 1';

/** ClickHouse's virtual columns (MergeTree, Merge, Distributed, file-like engines): never in a `*`. */
const VIRTUAL = new Set([
  '_part', '_part_index', '_part_uuid', '_part_offset', '_part_starting_offset', '_part_granule_offset', '_part_data_version',
  '_partition_id', '_partition_value', '_sample_factor', '_row_exists', '_block_number', '_block_offset', '_disk_name',
  '_table', '_database', '_shard_num', '_file', '_path', '_size', '_time', '_etag',
]);

/** Unquoted, lower-cased last part of a relation name or an alias (`db.T` → `t`, `` `T` `` → `t`). */
const bare = (name: string) => name.split('.').at(-1)!.replace(/^[`"]|[`"]$/g, '').toLowerCase();

/** The name a FROM item makes visible: its alias, else its relation's last part. */
const visibleName = (ref: TableRef) => (ref.aliased && ref.alias ? bare(ref.alias) : bare(ref.name));

const frameEnd = (f: SelectFrame) => Math.max(f.start, ...f.items.map((s) => s.end), ...f.clauses.map((c) => c.end));

/** `sql` with each inner `t AS s` whose subquery qualifies columns by an outer `t` read as `(SELECT * FROM t) AS s`. */
export function outerNameScope(sql: string, options?: { readonly allColumns?: boolean }): string {
  const code = blankNonCode(sql);
  const quoted = blankNonCode(sql, { keepQuoted: true });
  const frames = selectFrames(code).map((f) => {
    const from = f.clauses.find((c) => c.word === 'from');
    return { start: f.start, end: frameEnd(f), from, refs: from ? tableRefs(quoted, from.start, from.end) : [] };
  });
  const replaced: (TableRef & { readonly virtual: readonly string[] })[] = [];
  let names: string | undefined;
  const open: typeof frames = []; // the frames around the current one (by start: each ends before the next or holds it)
  for (const inner of frames.sort((a, b) => a.start - b.start)) {
    while (open.length && open.at(-1)!.end < inner.start) open.pop();
    // A subquery in another SELECT's FROM (a derived table) does not see that SELECT's names.
    const enclosing = open.filter((o) => o.start < inner.start && o.end >= inner.end && !(o.from && o.from.start < inner.start && inner.start < o.from.end));
    open.push(inner);
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
      if (!uses) continue;
      names ??= blankNonCode(sql, { keepNames: true }); // quoted names kept (`s`._part), literals blank
      replaced.push({ ...ref, virtual: virtualColumns(names.slice(inner.start, inner.end), bare(ref.alias), inner.refs.length === 1) });
    }
  }
  const edits = replaced.flatMap((ref) => asSubqueryEdit(sql, code, quoted, ref, { ...options, virtual: ref.virtual }) ?? []);
  return applyEdits(sql, edits);
}

/**
 * The edit that reads FROM item `ref` as `(SELECT * FROM <ref> [FINAL | SAMPLE …]) AS <its alias>`, or undefined when
 * its alias cannot be read; an item without one gets `options.aliasIfNone` (`AS t`, so `t.col` still reads it), and
 * `options.virtual` (virtual columns read through it, which a `*` leaves out) are listed after the `*`.
 * `code` is `sql` blanked of literals, quoted names and comments, `quoted` of comments only.
 */
export function asSubqueryEdit(sql: string, code: string, quoted: string, ref: TableRef, options?: { readonly allColumns?: boolean; readonly aliasIfNone?: string; readonly virtual?: readonly string[] }): Edit | undefined {
  const alias = ref.aliased ? ALIAS.exec(quoted.slice(ref.end))?.[0] : options?.aliasIfNone !== undefined ? '' : undefined;
  if (alias === undefined) return undefined;
  let end = ref.end + alias.length;
  const modifiers: string[] = [];
  for (let m = MODIFIER.exec(code.slice(end)); m; m = MODIFIER.exec(code.slice(end))) {
    modifiers.push(sql.slice(end, end + m[0].length));
    end += m[0].length;
  }
  const inner = `SELECT *${(options?.virtual ?? []).map((v) => `, ${v}`).join('')} FROM ${sql.slice(ref.start, ref.end)}${modifiers.join('')}${options?.allColumns ? ALL_COLUMNS : ''}`;
  const written = ref.aliased ? sql.slice(ref.end, ref.end + alias.length) : ` AS ${options!.aliasIfNone}`;
  return { at: ref.start, length: end - ref.start, text: `(${inner})${written}` };
}

/** The virtual columns `code` (a subquery's text) reads as `alias.name` or, when `bareToo`, unqualified. */
export function virtualColumns(code: string, alias: string, bareToo: boolean): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?<![\w$`"])_[a-z_]+(?![\w$(])/gi)) {
    const name = m[0].toLowerCase();
    if (!VIRTUAL.has(name)) continue;
    const before = code.slice(Math.max(0, m.index! - 200), m.index);
    const qualifier = /(?:`([^`]+)`|"([^"]+)"|([A-Za-z_][\w$]*))\s*\.\s*$/.exec(before);
    if (qualifier ? (qualifier[1] ?? qualifier[2] ?? qualifier[3])!.toLowerCase() === alias : bareToo && !/\.\s*$/.test(before)) found.add(name);
  }
  return [...found];
}
