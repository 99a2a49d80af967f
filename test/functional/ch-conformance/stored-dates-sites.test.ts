import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * The stored-Date rule (adapter/materializations/stored-dates.ts) reads the target's column types; a materialized
 * view must read them while it holds the target (adapter.exclusive), as a sibling's full refresh in the same run may
 * rebuild the target with Date32 while this view waits for it. Read before the wait, the view kept ClickHouse's Date
 * for its casts and wrote a day before 1970 as 1970-01-01 into the rebuilt Date32 column.
 */
const setup = openedPerTest();

const RAW = "{{ config(materialized='table', order_by='id') }}\nselect 1 as id, '2024-02-29' as s";
const VIEW = (semantics: string) => `{{ config(materialized='materialized_view', order_by='id'${semantics}) }}
select id, cast(s as date) as d from {{ ref('raw') }}
`;

/** Runs `sql` once, right before the first `exclusive()` the adapter is asked for: what another node holding the target does meanwhile. */
async function whileWaitingForTheTarget(project: TsdbtProject, sql: string): Promise<() => boolean> {
  const adapter = await project.adapter();
  const original = adapter.exclusive.bind(adapter);
  let done = false;
  adapter.exclusive = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    if (!done) {
      done = true;
      await adapter.client.command(sql);
    }
    return original(key, fn);
  };
  return () => done;
}

describe('a materialized view reads the stored Date types of its target while it holds the target', () => {
  it('a target rebuilt with Date32 while the view waited gets Date32 values (a day before 1970 kept)', async () => {
    const { p } = setup({ 'models/raw.sql': RAW, 'models/mv.sql': VIEW(', dbt_semantics=false') });
    const first = p.open();
    expectStatuses(await first.run(), { raw: 'success', mv: 'success' });
    await first.close();
    p.write({ 'models/mv.sql': VIEW('') });
    const project = setup.reopen(p);
    // Another node's full refresh rebuilt the target with dbt_semantics' Date32 while this view waited for it.
    const raced = await whileWaitingForTheTarget(project, `ALTER TABLE ${p.schema}.mv MODIFY COLUMN d Date32`);
    const run = await project.run({ select: ['mv'] });
    expect(raced()).toBe(true);
    expectStatuses(run, { mv: 'success' });
    // No "stored as ClickHouse's Date" warning: the target it fed was Date32.
    expect((run.results[0]!.warnings ?? []).join('\n')).not.toMatch(/ClickHouse's Date in/);
    await project.adapter().then((a) => a.client.command(`INSERT INTO ${p.schema}.raw VALUES (2, '1960-05-01')`));
    expect(await queryRows(project, `SELECT id, toString(d) AS ds, toTypeName(d) AS t FROM ${p.schema}.mv ORDER BY id`)).toEqual([
      { id: 1, ds: '2024-02-29', t: 'Date32' },
      { id: 2, ds: '1960-05-01', t: 'Date32' },
    ]);
  });
});

/*
 * distributed_incremental reads its local tables' stored Date types as incremental does. No cluster here stores
 * Date32 (the cluster suite runs ClickHouse 18.16), so this checks the decision on chDB: the adapter is told it has a
 * cluster, its DDL runs without ON CLUSTER, and the run is stopped at its first statement that needs a real cluster
 * (the staging on the shards) — after the new rows' SQL was chosen and checked against the table's columns.
 */
describe("distributed_incremental over local tables storing ClickHouse's Date for a cast to date", () => {
  const MODEL = (semantics: string) => `{{ config(materialized='distributed_incremental', on_schema_change='fail'${semantics}) }}
select 1 as id, cast('1960-05-01' as date) as d
`;
  const STOP = 'stopped here: a real cluster is needed from this statement on';

  /** The project's adapter in cluster mode `c` on chDB, up to its first statement that needs the cluster. */
  async function pretendCluster(project: TsdbtProject): Promise<void> {
    const adapter = await project.adapter();
    Object.assign(adapter, { cluster: 'c', checkCluster: async () => {} });
    const client = adapter.client as unknown as Record<'command' | 'query', (sql: string, ...rest: unknown[]) => Promise<unknown>>;
    for (const method of ['command', 'query'] as const) {
      const original = client[method]!.bind(client);
      client[method] = async (sql: string, ...rest: unknown[]) => {
        if (/\bcluster\('c'|Distributed\('c'/.test(sql)) throw new Error(STOP);
        return original(sql.replaceAll(' ON CLUSTER `c`', '').replaceAll(' ON CLUSTER c', ''), ...rest);
      };
    }
  }

  it("on_schema_change 'fail' does not fail on Date -> Date32 (the casts computed as the stored Date)", async () => {
    const { p, project } = setup({ 'models/other.sql': 'select 1 as x' });
    expectStatuses(await project.run(), { other: 'success' });
    const adapter = await project.adapter();
    // As distributed_incremental built them with dbt_semantics off (or by dbt-clickhouse).
    for (const t of ['dist_local', 'dist']) {
      await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt8, d Date) ENGINE = MergeTree ORDER BY id`);
      await adapter.client.command(`INSERT INTO ${p.schema}.${t} VALUES (1, '1970-01-01')`);
    }
    p.write({ 'models/dist.sql': MODEL('') });
    const faked = setup.reopen(p);
    await pretendCluster(faked);
    const run = await faked.run({ select: ['dist'] });
    // Before: "The source and target schemas on this incremental model are out of sync" (d: Date -> Date32).
    expect(run.results[0]!.message).toContain(STOP);
  });
});
