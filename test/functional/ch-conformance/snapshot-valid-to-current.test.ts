import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/basic/test_snapshot_dbt_valid_to_current.py (its open PR
 * 718a0e5 over c5c810b, issue #481): snapshots with `dbt_valid_to_current` set to a ClickHouse
 * expression keep one current version per key across runs (a run that looked for `dbt_valid_to IS
 * NULL` would insert every row again), close the old version of a changed row, and — the class
 * upstream skips because dbt-clickhouse needs join_use_nulls=1 for it — invalidate a hard-deleted row
 * with a real timestamp (tsdbt's snapshots detect deletes with dbt's NULLs).
 */
const BASE = `
id,name,some_date
1,Easton,1981-05-20T06:46:51
2,Lillian,1978-09-03T18:10:33
3,Jeremiah,1982-03-11T03:59:51
4,Nolan,1976-05-06T20:21:35
5,Hannah,1982-06-23T05:41:26
6,Eleanor,1991-08-10T23:12:21
7,Lily,1971-03-29T14:58:02
8,Jonathan,1988-02-26T02:55:24
9,Adrian,1994-02-09T13:14:23
10,Nora,1976-03-01T16:51:39
`.trimStart();
const ADDED = BASE + '11,Mateo,2014-09-07T17:04:27\n12,Julian,2000-02-04T11:48:30\n';
const DELETED = BASE.replace('10,Nora,1976-03-01T16:51:39\n', '');
const UPDATED = BASE.replace('1,Easton,1981-05-20T06:46:51', '1,Easton_updated,2020-01-01T00:00:00');

const snapshot = (name: string, strategy: string, extra = '') => `{% snapshot ${name} %}
    {{ config(
        ${strategy},
        unique_key='id',
        target_database=database,
        target_schema=schema,
        dbt_valid_to_current="toDateTime('2100-01-01 00:00:00')",${extra}
    )}}
    select * from {{ ref(var('seed_name', 'base')) }}
{% endsnapshot %}`;
const TS = snapshot('ts_snapshot', "strategy='timestamp',\n        updated_at='some_date'");
const CC = snapshot('cc_snapshot', "strategy='check',\n        check_cols='all'");
const CC_HD = snapshot('cc_snapshot_hd', "strategy='check',\n        check_cols='all'", "\n        hard_deletes='invalidate',");

const SENTINEL = "toDateTime('2100-01-01 00:00:00')";
async function counts(p: DbtProject, name: string) {
  const [r] = await p.query<{ total: string; current: string; expired: string }>(
    `select count(*) as total, countIf(dbt_valid_to = ${SENTINEL}) as current, countIf(dbt_valid_to != ${SENTINEL}) as expired from {schema}.${name}`,
  );
  return [Number(r!.total), Number(r!.current), Number(r!.expired)];
}

/** The four runs of TestSnapshotTimestampDbtValidToCurrent / TestSnapshotCheckDbtValidToCurrent. */
async function fourRuns(p: DbtProject, name: string) {
  expect((await p.dbt(['seed'])).results).toHaveLength(3);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  expect(await counts(p, name)).toEqual([10, 10, 0]);
  // No change: no duplicate of a current row.
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  expect(await counts(p, name)).toEqual([10, 10, 0]);
  expect((await p.dbt(['snapshot', '--vars', 'seed_name: added'])).results).toHaveLength(1);
  expect(await counts(p, name)).toEqual([12, 12, 0]);
  expect((await p.dbt(['--no-partial-parse', 'snapshot', '--vars', 'seed_name: updated'])).results).toHaveLength(1);
  expect(await counts(p, name)).toEqual([13, 12, 1]);
  // (a check snapshot's times are DateTime64: compared as times, as upstream's datetime(2100, 1, 1))
  const rows = await p.query<{ name: string; current: number }>(`select name, toUInt8(dbt_valid_to = ${SENTINEL}) as current from {schema}.${name} where id = 1 order by dbt_valid_from`);
  expect(rows.map((r) => [r.name, Number(r.current)])).toEqual([['Easton', 0], ['Easton_updated', 1]]);
}

describe('dbt-clickhouse test_snapshot_dbt_valid_to_current.py', () => {
  it('TestSnapshotTimestampDbtValidToCurrent', async () => {
    const p = dbtProject({ seeds: { 'base.csv': BASE, 'added.csv': ADDED, 'updated.csv': UPDATED }, snapshots: { 'ts_snapshot.sql': TS } });
    await fourRuns(p, 'ts_snapshot');
  });

  it('TestSnapshotCheckDbtValidToCurrent', async () => {
    const p = dbtProject({ seeds: { 'base.csv': BASE, 'added.csv': ADDED, 'updated.csv': UPDATED }, snapshots: { 'cc_snapshot.sql': CC } });
    await fourRuns(p, 'cc_snapshot');
  });

  it('TestSnapshotCheckDbtValidToCurrentWithHardDeletes (skipped upstream: dbt-clickhouse needs join_use_nulls=1)', async () => {
    const p = dbtProject({ seeds: { 'base.csv': BASE, 'deleted.csv': DELETED }, snapshots: { 'cc_snapshot_hd.sql': CC_HD } });
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await counts(p, 'cc_snapshot_hd')).toEqual([10, 10, 0]);
    expect((await p.dbt(['snapshot', '--vars', 'seed_name: deleted'])).results).toHaveLength(1);
    expect(await counts(p, 'cc_snapshot_hd')).toEqual([10, 9, 1]);
    const deleted = await p.query<{ current: number; real: number }>(`select toUInt8(dbt_valid_to = ${SENTINEL}) as current, toUInt8(dbt_valid_to < now() + 60) as real from {schema}.cc_snapshot_hd where id = 10`);
    expect(deleted.map((r) => [Number(r.current), Number(r.real)])).toEqual([[0, 1]]);
  });
});
