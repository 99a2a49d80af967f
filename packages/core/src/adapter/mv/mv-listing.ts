import type { Relation } from '../../manifest/nodes.js';
import { sqlString } from '../../render/placeholders.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import type { WarehouseClient } from '../warehouse-client.js';
import { querySystem } from '../system-reads.js';
import { toClauseOf } from './mv-state.js';

/** A materialized view of a database: its name and CREATE statement (`q`, where its TO clause is). */
export interface ListedView {
  readonly name: string;
  readonly q: string;
}

/** Statements after which a materialized view may exist that an earlier listing does not show. */
const MAY_CREATE = /\bMATERIALIZED\s+VIEW\b|\bATTACH\b|\bUNDROP\b|\bRESTORE\b/i;
const MOVES = /\b(?:RENAME|EXCHANGE)\b/i;
const QUALIFIED = /`((?:[^`\\]|\\.)*)`\.`((?:[^`\\]|\\.)*)`/g;
/** tsdbt's own swaps (adapter rename / EXCHANGE), with every name replaced by `N`: nothing else may be in them. */
const SWAP_SHAPE = /^\s*(?:RENAME\s+TABLE|EXCHANGE\s+TABLES)\s+N\s+(?:TO|AND)\s+N(?:\s*,\s*N\s+(?:TO|AND)\s+N)*(?:\s+ON\s+CLUSTER\s+`(?:[^`\\]|\\.)*`)?\s*;?\s*$/i;
const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

/**
 * The materialized views of each database, listed once per run and reused (as dbt's relation cache,
 * filled at a run's start and kept up to date by dbt's own statements) instead of one system.tables
 * query per model. Every statement this process sends is seen (the client's `observe`), and the
 * listings are dropped after any that may create a materialized view or move one, or a table one
 * writes into: a view created mid-run (a materialized_view model, a hook) is seen by the models
 * after it. What is dropped on the strength of a listing is listed again first (`fresh`).
 */
export class MaterializedViewListing {
  private readonly bySchema = new Map<string, Promise<readonly ListedView[]>>();
  /** `schema\0name` of every listed view and of every table a listed view writes into. */
  private readonly involved = new Set<string>();
  /** Databases whose listing has arrived (and holds). */
  private readonly ready = new Set<string>();
  /** Listings taken before the run's first node (pinAtStart), kept for the whole run. */
  private readonly atStart = new Map<string, Promise<readonly ListedView[] | undefined>>();

  constructor(private readonly client: WarehouseClient) {
    client.observe?.((sql) => this.noteStatement(sql));
  }

  /** The materialized views of `schema` (a listing of this run, or a new one). */
  list(schema: string): Promise<readonly ListedView[]> {
    if (!this.client.observe) return this.query(schema);
    let p = this.bySchema.get(schema);
    if (!p) {
      p = this.query(schema);
      this.bySchema.set(schema, p);
      const listing = p;
      p.then(
        (views) => this.bySchema.get(schema) === listing && this.remember(schema, views),
        () => this.bySchema.get(schema) === listing && this.bySchema.delete(schema),
      );
    }
    return p;
  }

  /** Lists `schema` again now (and keeps that listing). */
  fresh(schema: string): Promise<readonly ListedView[]> {
    this.bySchema.delete(schema);
    this.ready.delete(schema);
    return this.list(schema);
  }

  /**
   * Lists `schemas` now, before the run's first node, and keeps those listings for the whole run:
   * what a node must judge by the warehouse as the run found it (dbt's relation cache, filled at a
   * run's start) — another node of the run may drop or replace a view meanwhile. A listing that
   * fails is kept as none (undefined).
   */
  async pinAtStart(schemas: Iterable<string>): Promise<void> {
    const pending = [...new Set(schemas)].filter((s) => !this.atStart.has(s)).map((s) => {
      // A failed listing is not "no views": atRunStart answers with the failure (taken for none, a table a view of
      // dbt's writes into was rebuilt from its SELECT and the view's rows lost). Handled where it is read.
      const listed = this.query(s);
      this.atStart.set(s, listed);
      return listed.catch(() => undefined);
    });
    await Promise.all(pending);
  }

  /** The materialized views of `schema` as pinAtStart listed them before the run's first node (undefined: not listed then; rejects: the listing failed). */
  async atRunStart(schema: string): Promise<readonly ListedView[] | undefined> {
    return this.atStart.get(schema);
  }

  /** Every listing is taken again when next asked for (a new run: other clients may have changed the warehouse). */
  forget(): void {
    this.dropListings();
    this.atStart.clear();
  }

  private dropListings(): void {
    this.bySchema.clear();
    this.involved.clear();
    this.ready.clear();
  }

  private query(schema: string): Promise<ListedView[]> {
    return querySystem<ListedView>(this.client, `SELECT name, create_table_query AS q FROM system.tables WHERE database = ${sqlString(schema)} AND engine = 'MaterializedView'`);
  }

  private remember(schema: string, views: readonly ListedView[]): void {
    this.ready.add(schema);
    for (const v of views) {
      this.involved.add(`${schema}\0${v.name}`);
      const to: Relation | undefined = toClauseOf(v.q);
      if (to) this.involved.add(`${to.schema}\0${to.identifier}`);
    }
  }

  /** Drops the listings when `sql` may have created or moved a materialized view (or the table it writes into). */
  noteStatement(sql: string): void {
    if (this.bySchema.size === 0 || !this.changesViews(sql)) return;
    this.dropListings();
  }

  private changesViews(sql: string): boolean {
    if (MAY_CREATE.test(sql)) return true;
    if (!MOVES.test(sql)) return false;
    // A swap of tsdbt's own shape moves only the relations it names: it changes no listing when none
    // is a listed view or a table one writes into, and all are in listed databases.
    const names: [string, string][] = [];
    const shape = sql.replace(QUALIFIED, (_, schema: string, name: string) => (names.push([unescape(schema), unescape(name)]), 'N'));
    if (!SWAP_SHAPE.test(shape)) return true;
    return names.some(([schema, name]) => !this.ready.has(schema) || this.involved.has(`${schema}\0${name}`));
  }
}

const listings = new WeakMap<ClickHouseAdapter, MaterializedViewListing>();

/** The listing of `adapter`'s warehouse (one per adapter, made on first use). */
export function materializedViews(adapter: ClickHouseAdapter): MaterializedViewListing {
  let listing = listings.get(adapter);
  if (!listing) listings.set(adapter, (listing = new MaterializedViewListing(adapter.client)));
  return listing;
}
