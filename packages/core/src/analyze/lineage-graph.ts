import type { DependencyKind, ProjectAnalysis } from './analysis.js';

/** A column of a node (or of a relation tsdbt does not manage: `node` is then its `db.table`). */
export interface ColumnKey {
  readonly node: string;
  readonly column: string;
}

/** `to` depends on `from` (one hop, as one model reads another). */
export interface LineageEdge {
  readonly from: ColumnKey;
  readonly to: ColumnKey;
  readonly kind: DependencyKind;
}

export interface TraceOptions {
  /** Hops to follow each way (default: all). */
  readonly depth?: number;
  /** Only these kinds of dependency (default: all). */
  readonly kinds?: readonly DependencyKind[];
}

/** A column's lineage across the DAG: every edge walking up from it, and every edge walking down. */
export interface ColumnTrace {
  readonly column: ColumnKey;
  readonly type?: string;
  readonly upstream: readonly LineageEdge[];
  readonly downstream: readonly LineageEdge[];
}

const keyOf = (k: ColumnKey) => `${k.node}\u0001${k.column}`;

/** The project's column edges, both ways: built once from an analysis, walked for any column. */
export class LineageGraph {
  private readonly up = new Map<string, LineageEdge[]>();
  private readonly down = new Map<string, LineageEdge[]>();
  private readonly types = new Map<string, string>();

  constructor(analysis: ProjectAnalysis) {
    for (const a of analysis.nodes.values())
      for (const c of a.columns) {
        const to = { node: a.uniqueId, column: c.name };
        this.types.set(keyOf(to), c.type);
        for (const u of c.upstream) {
          const edge: LineageEdge = { from: { node: u.node ?? u.relation, column: u.column }, to, kind: u.kind };
          (this.up.get(keyOf(to)) ?? this.up.set(keyOf(to), []).get(keyOf(to))!).push(edge);
          (this.down.get(keyOf(edge.from)) ?? this.down.set(keyOf(edge.from), []).get(keyOf(edge.from))!).push(edge);
        }
      }
  }

  has(column: ColumnKey): boolean {
    return this.types.has(keyOf(column));
  }

  trace(column: ColumnKey, options: TraceOptions = {}): ColumnTrace {
    return {
      column,
      type: this.types.get(keyOf(column)),
      upstream: this.walk(column, this.up, (e) => e.from, options),
      downstream: this.walk(column, this.down, (e) => e.to, options),
    };
  }

  /** Breadth-first from `start`; each edge once, in the order met. */
  private walk(start: ColumnKey, edges: Map<string, LineageEdge[]>, next: (e: LineageEdge) => ColumnKey, options: TraceOptions): LineageEdge[] {
    const out: LineageEdge[] = [];
    const seen = new Set([keyOf(start)]);
    let frontier = [start];
    for (let level = 0; frontier.length && (options.depth === undefined || level < options.depth); level++) {
      const following: ColumnKey[] = [];
      for (const k of frontier)
        for (const e of edges.get(keyOf(k)) ?? []) {
          if (options.kinds && !options.kinds.includes(e.kind)) continue;
          out.push(e);
          const n = next(e);
          if (!seen.has(keyOf(n))) {
            seen.add(keyOf(n));
            following.push(n);
          }
        }
      frontier = following;
    }
    return out;
  }
}
