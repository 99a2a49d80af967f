import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import { hasOrNullCombinator } from './empty-aggregates.js';
import { asSubqueryEdit, virtualColumns } from './outer-name-scope.js';
import { selectFrames, type SelectFrame } from './select-frames.js';
import { tableRefs } from './self-join-aliases.js';

/*
 * A join whose items include a relation `db.t` and another item aliased `db`: `from chronic_conditions.long as u
 * join chronic_conditions as chronic_conditions` (tuva's chronic_conditions__cms_chronic_conditions_wide: its CTE
 * is named as the schema, a ClickHouse database, of the relation it joins). In SQL an alias never names a schema;
 * ClickHouse 26.7's analyzer reads `db.t` there as the alias `db`'s column `t` and refuses the query
 * ("Compound identifier 'db.t' cannot be resolved as table expression", UNKNOWN_IDENTIFIER; the alias in another
 * SELECT, or a CTE read under its own name without AS, does not collide). Under dbt_semantics such an item is read as
 * `(SELECT * FROM db.t) AS <its alias, else t>`: the same rows under the same name, the virtual columns the SELECT reads
 * through that name (`u._part`, which a `*` leaves out) listed after the `*`. ClickHouse refuses the original, so no
 * query that runs today changes.
 */
export function withDatabaseNamedAliases(node: ManifestNode, sql: string, adapter: object): string {
  if (!/\bjoin\b|,/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return databaseNamedAliases(sql, { allColumns: hasOrNullCombinator(adapter) });
}

const unquote = (name: string) => name.replace(/^[`"]|[`"]$/g, '');
const frameEnd = (f: SelectFrame) => Math.max(f.start, ...f.items.map((s) => s.end), ...f.clauses.map((c) => c.end));

/** `sql` with each FROM item `db.t` whose FROM also has an item aliased `db` read as a subquery. */
export function databaseNamedAliases(sql: string, options?: { readonly allColumns?: boolean }): string {
  const code = blankNonCode(sql);
  // Literals and comments blanked, quoted names kept: a FROM item's name and alias as written.
  const names = blankNonCode(sql, { keepNames: true });
  const edits: Edit[] = [];
  for (const frame of selectFrames(code)) {
    if (!frame.joins) continue;
    const from = frame.clauses.find((c) => c.word === 'from');
    if (!from) continue;
    const refs = tableRefs(names, from.start, from.end);
    const qualified = refs.filter((r) => r.name.split('.').length === 2);
    if (qualified.length === 0) continue;
    const aliases = [...refs.filter((r) => r.aliased && r.alias).map((r) => ({ at: r.start, alias: unquote(r.alias!) })), ...subqueryAliases(names, from.start, from.end)];
    for (const ref of qualified) {
      const [database, table] = ref.name.split('.').map(unquote) as [string, string];
      // ClickHouse's names are case-sensitive: `AS CC` does not hide the database `cc`.
      if (!aliases.some((a) => a.at !== ref.start && a.alias === database)) continue;
      // An item without an alias keeps its name `t`; a three-part `db.t.col` would not read it any more: left as is.
      if (!ref.aliased && threePartNames(names, frame.start, frameEnd(frame), database, table)) continue;
      const name = ref.aliased && ref.alias ? unquote(ref.alias) : table;
      // Read through the name in this SELECT (its subqueries too); a bare `_part` of a join is not this item's alone.
      const virtual = virtualColumns(names.slice(frame.start, frameEnd(frame)), name.toLowerCase(), false);
      const edit = asSubqueryEdit(sql, code, names, ref, { ...options, aliasIfNone: ref.aliased ? undefined : unquote(ref.name.split('.')[1]!), virtual });
      if (edit) edits.push(edit);
    }
  }
  return applyEdits(sql, edits);
}

/** The aliases of a FROM clause's subqueries at its own level: `(…) AS x` or `(…) x`. */
function subqueryAliases(code: string, start: number, end: number): { at: number; alias: string }[] {
  const out: { at: number; alias: string }[] = [];
  let depth = 0;
  let opened = -1;
  for (const m of code.slice(start, end).matchAll(/[()]/g)) {
    const at = start + m.index!;
    if (m[0] === '(') {
      if (depth++ === 0) opened = at;
    } else if (--depth === 0) {
      const alias = /^\s*(?:as\s+)?(`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"|[A-Za-z_][\w$]*)/i.exec(code.slice(at + 1, end));
      if (alias && !/^(on|using|join|left|right|inner|outer|full|cross|any|all|semi|anti|asof|global|array|final|sample|where|prewhere|group|having|order|limit|window|qualify|settings|format|union|intersect|except)$/i.test(alias[1]!))
        out.push({ at: opened, alias: unquote(alias[1]!) });
    }
  }
  return out;
}

function threePartNames(code: string, start: number, end: number, database: string, table: string): boolean {
  const esc = (s: string) => s.replace(/[$]/g, '\\$');
  return new RegExp(`(?<![\\w.$])\`?${esc(database)}\`?\\s*\\.\\s*\`?${esc(table)}\`?\\s*\\.`).test(code.slice(start, end));
}
