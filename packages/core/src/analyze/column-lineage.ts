import type { AnalyzedColumn, ColumnSource, DependencyKind } from './analysis.js';
import { indexNodes, parseQueryTree, section, sectionItems, type TreeNode } from './query-tree.js';

/**
 * Column-level lineage from ClickHouse's own analyzer: `EXPLAIN QUERY TREE` (after the analysis pass
 * only) names, for every column reference, the table, subquery, CTE, JOIN or ARRAY JOIN it resolves
 * to, with `*` already expanded. Each output column is traced through subqueries and CTEs down to
 * the relations the model reads; an ephemeral model (a `__dbt__cte__` CTE) is a relation of its own.
 */
export interface LineageResolver {
  /** The manifest node of a relation `db.table`, if tsdbt manages it. */
  nodeOf(relation: string): string | undefined;
  /** The model of an ephemeral CTE name (`__dbt__cte__x` → model.p.x). */
  ephemeralNode(cteName: string): string | undefined;
  /** Columns of a relation (to map a subcolumn `t.a` back to its column `t`). */
  columnsOf(relation: string): readonly string[] | undefined;
}

/** 'direct' becomes passthrough or rename once the output name is known. */
type Kind = 'direct' | Exclude<DependencyKind, 'passthrough' | 'rename'>;
type Deps = Map<string, { relation: string; column: string; node?: string; kind: Kind }>;

const RANK: Record<Kind, number> = { direct: 5, transformation: 4, join: 3, group_by: 2, filter: 1 };
const EPHEMERAL_CTE = '__dbt__cte__';

function add(into: Deps, dep: { relation: string; column: string; node?: string; kind: Kind }): void {
  const key = `${dep.relation}\u0001${dep.column}`;
  const seen = into.get(key);
  if (!seen || RANK[dep.kind] > RANK[seen.kind]) into.set(key, dep);
}

function merge(into: Deps, from: Deps, as?: Kind): void {
  for (const d of from.values()) add(into, as && RANK[as] < RANK[d.kind] ? { ...d, kind: as } : d);
}

function resultType(n: TreeNode): string | undefined {
  return n.attrs.result_type ?? n.attrs.constant_value_type;
}

/** Output names of a QUERY (its PROJECTION COLUMNS), or of a UNION (its first query's). */
function outputNames(q: TreeNode): string[] {
  if (q.kind === 'UNION') {
    const first = sectionItems(q, 'QUERIES')[0];
    return first ? outputNames(first) : [];
  }
  const lines = section(q, 'PROJECTION COLUMNS')?.children.map((c) => c.text) ?? [];
  const exprs = sectionItems(q, 'PROJECTION');
  return lines.map((line, i) => {
    const type = exprs[i] && resultType(exprs[i]!);
    if (type && line.endsWith(` ${type}`)) return line.slice(0, line.length - type.length - 1);
    const space = line.lastIndexOf(' ');
    return space > 0 ? line.slice(0, space) : line;
  });
}

class Tracer {
  private readonly byId: Map<number, TreeNode>;
  private readonly outputs = new Map<string, Deps>();
  private readonly keys = new Map<number, Deps>();

  constructor(
    root: TreeNode,
    private readonly resolver: LineageResolver,
  ) {
    this.byId = indexNodes(root);
  }

  /** Upstream columns of output `i` of a QUERY or UNION, its row-deciding columns included. */
  output(q: TreeNode, i: number): Deps {
    const memo = `${q.id}:${i}`;
    const known = this.outputs.get(memo);
    if (known) return known;
    const deps: Deps = new Map();
    this.outputs.set(memo, deps); // recursion guard
    if (q.kind === 'UNION') {
      for (const branch of sectionItems(q, 'QUERIES')) merge(deps, this.output(branch, i));
      return deps;
    }
    const expr = sectionItems(q, 'PROJECTION')[i];
    if (expr) merge(deps, this.expression(expr));
    merge(deps, this.rowKeys(q));
    return deps;
  }

  /** Columns that decide which rows a query returns or how they group: WHERE, HAVING, GROUP BY, JOIN keys, and those of its FROM subqueries. */
  private rowKeys(q: TreeNode): Deps {
    const known = this.keys.get(q.id!);
    if (known) return known;
    const deps: Deps = new Map();
    this.keys.set(q.id!, deps);
    for (const label of ['WHERE', 'PREWHERE', 'HAVING', 'QUALIFY']) {
      const s = section(q, label);
      if (s) merge(deps, this.expression(s), 'filter');
    }
    for (const item of sectionItems(q, 'GROUP BY')) merge(deps, this.expression(item), 'group_by');
    const tree = section(q, 'JOIN TREE');
    if (tree) this.joinTreeKeys(tree, deps);
    return deps;
  }

  private joinTreeKeys(n: TreeNode, deps: Deps): void {
    for (const c of n.children) {
      if (c.kind === 'JOIN') {
        const on = section(c, 'JOIN EXPRESSION');
        if (on) merge(deps, this.expression(on), 'join');
        this.joinTreeKeys(c, deps);
      } else if (c.kind === 'QUERY' || c.kind === 'UNION') {
        if (!c.attrs.cte_name?.startsWith(EPHEMERAL_CTE)) merge(deps, this.subqueryKeys(c), 'filter');
      } else if (c.kind === 'ARRAY_JOIN' || (c.id === undefined && c.kind !== '')) this.joinTreeKeys(c, deps);
    }
  }

  private subqueryKeys(q: TreeNode): Deps {
    if (q.kind === 'UNION') {
      const deps: Deps = new Map();
      for (const b of sectionItems(q, 'QUERIES')) merge(deps, this.subqueryKeys(b));
      return deps;
    }
    return this.rowKeys(q);
  }

  /** Upstream columns an expression reads (a bare column reference stays `direct`). */
  expression(n: TreeNode): Deps {
    const deps: Deps = new Map();
    switch (n.kind) {
      case 'COLUMN':
        merge(deps, this.column(n));
        break;
      case 'FUNCTION':
      case 'LAMBDA':
        for (const c of n.children) merge(deps, this.expression(c), 'transformation');
        break;
      case 'CONSTANT': {
        const source = section(n, 'EXPRESSION');
        if (source) merge(deps, this.expression(source), 'transformation');
        break;
      }
      case 'QUERY':
      case 'UNION': {
        // A scalar or IN subquery: every column it reads.
        const count = outputNames(n).length;
        for (let i = 0; i < count; i++) merge(deps, this.output(n, i), 'transformation');
        break;
      }
      default:
        for (const c of n.children) merge(deps, this.expression(c));
    }
    return deps;
  }

  private column(c: TreeNode): Deps {
    const deps: Deps = new Map();
    const name = c.attrs.column_name ?? '';
    const inline = section(c, 'EXPRESSION');
    const source = this.byId.get(Number(c.attrs.source_id));
    if (!source) {
      if (inline) merge(deps, this.expression(inline));
      return deps;
    }
    switch (source.kind) {
      case 'TABLE': {
        const relation = source.attrs.table_name ?? '';
        const columns = this.resolver.columnsOf(relation);
        // A subcolumn (`t.a` of a tuple, `n.null`) is read from its column.
        const column = columns && !columns.includes(name) && name.includes('.') ? (columns.find((k) => name.startsWith(`${k}.`)) ?? name) : name;
        add(deps, { relation, column, node: this.resolver.nodeOf(relation), kind: 'direct' });
        break;
      }
      case 'QUERY':
      case 'UNION': {
        const cte = source.attrs.cte_name;
        if (cte?.startsWith(EPHEMERAL_CTE)) {
          const node = this.resolver.ephemeralNode(cte);
          add(deps, { relation: cte, column: name, node, kind: 'direct' });
          break;
        }
        const i = outputNames(source).indexOf(name);
        if (i >= 0) merge(deps, this.output(source, i));
        break;
      }
      case 'JOIN':
      case 'ARRAY_JOIN': {
        // USING columns and ARRAY JOIN aliases: the expression they stand for.
        const listed = (source.kind === 'JOIN' ? sectionItems(source, 'JOIN EXPRESSION') : sectionItems(source, 'JOIN EXPRESSIONS')).find(
          (e) => e.kind === 'COLUMN' && (e.attrs.column_name === name || e.attrs.alias === name),
        );
        const expr = listed && section(listed, 'EXPRESSION');
        if (expr) merge(deps, this.expression(expr), source.kind === 'ARRAY_JOIN' ? 'transformation' : undefined);
        break;
      }
      default:
        // Lambda arguments, table functions: nothing upstream tsdbt can name.
        if (inline) merge(deps, this.expression(inline));
    }
    return deps;
  }
}

/**
 * Each output column of a query (names and types from DESCRIBE, in order) with its upstream
 * columns and how it depends on each, from the query's `EXPLAIN QUERY TREE passes = 1` text.
 */
export function columnLineage(treeText: string, columns: readonly { name: string; type: string }[], resolver: LineageResolver): AnalyzedColumn[] {
  const root = parseQueryTree(treeText);
  const tracer = new Tracer(root, resolver);
  return columns.map((col, i) => {
    const deps = root.kind === 'QUERY' || root.kind === 'UNION' ? tracer.output(root, i) : new Map();
    const upstream: ColumnSource[] = [...deps.values()]
      .map((d) => ({
        ...(d.node ? { node: d.node } : {}),
        relation: d.relation,
        column: d.column,
        kind: (d.kind === 'direct' ? (d.column === col.name ? 'passthrough' : 'rename') : d.kind) as DependencyKind,
      }))
      .sort((a, b) => RANK_OUT[a.kind] - RANK_OUT[b.kind] || a.relation.localeCompare(b.relation) || a.column.localeCompare(b.column));
    return { name: col.name, type: col.type, upstream };
  });
}

const RANK_OUT: Record<DependencyKind, number> = { passthrough: 0, rename: 1, transformation: 2, join: 3, group_by: 4, filter: 5 };
