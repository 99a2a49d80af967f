import type { Relation } from '../manifest/nodes.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import { stuckReplace } from './partition-replace.js';
import { sweepLeftovers } from './temporaries.js';

/**
 * The target's database exists and what dead runs left in it is gone (sweepLeftovers(): their
 * temporaries dropped, a backup a crash left without its relation put back). Every materialization
 * calls this (withStaging() does) before it looks at the target. Refuses a target a dead run's marked
 * partition ALTER could not be finished on (partition-replace.ts: stuckReplace).
 */
export async function prepareTarget(adapter: ClickHouseAdapter, rel: Relation): Promise<void> {
  await adapter.ensureDatabase(rel.schema);
  await sweepDatabase(adapter, rel.schema);
  const stuck = stuckReplace(adapter, rel);
  if (stuck) throw stuck;
}

/** sweepLeftovers() of `schema`, once per run (see below). */
export async function sweepDatabase(adapter: ClickHouseAdapter, schema: string): Promise<void> {
  let bySchema = sweeps.get(adapter);
  if (!bySchema) sweeps.set(adapter, (bySchema = new Map()));
  let sweep = bySchema.get(schema);
  if (!sweep) {
    const mine = sweepLeftovers(adapter, schema);
    bySchema.set(schema, (sweep = mine));
    // A sweep that failed is tried again by the next model in that database.
    mine.catch(() => bySchema.get(schema) === mine && bySchema.delete(schema));
  }
  await sweep;
}

/**
 * Each database is swept once per run, before the first model that builds in it (models building
 * beside it wait for that sweep), instead of one listing per model: leftovers of runs that die
 * while this one runs are swept by the next run. sweepEachDatabaseAgain() starts a run.
 */
const sweeps = new WeakMap<ClickHouseAdapter, Map<string, Promise<unknown>>>();

export function sweepEachDatabaseAgain(adapter: ClickHouseAdapter): void {
  sweeps.delete(adapter);
}
