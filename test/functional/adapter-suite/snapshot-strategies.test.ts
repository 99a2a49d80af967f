import { describe, expect, it } from 'vitest';
import * as f from './basic-files.js';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter basic/test_snapshot_check_cols.py (BaseSnapshotCheckCols) and
 * basic/test_snapshot_timestamp.py (BaseSnapshotTimestamp), run by dbt-clickhouse unchanged:
 * snapshots over a seed picked by a var; rows of the seed are then updated in place (dbt's
 * update_rows: a day added to some_date, a suffix to name) and each strategy records exactly the
 * changes it watches.
 */
const count = async (p: DbtProject, name: string) => Number((await p.query<{ n: string }>(`select count(*) as n from {schema}.${name}`))[0]!.n);
/** dbt's update_rows (ClickHouse: a synchronous mutation). */
const update = (p: DbtProject, set: string, where: string) => p.query(`ALTER TABLE {schema}.added UPDATE ${set} WHERE ${where} SETTINGS mutations_sync = 2`);
const addDay = (p: DbtProject) => update(p, 'some_date = some_date + interval 1 day', 'id > 10 and id < 21');
const renameFirstTen = (p: DbtProject) => update(p, "name = concat(name, '_updated')", 'id < 11');
const allSucceeded = (r: { results: { status: string }[] }) => expect(r.results.map((x) => x.status).every((s) => s === 'success')).toBe(true);

describe('snapshot strategies (dbt-tests-adapter basic/)', () => {
  it('BaseSnapshotCheckCols: check_cols all / [name] / [some_date]', async () => {
    const p = dbtProject({
      seeds: { 'base.csv': f.SEED_BASE, 'added.csv': f.SEED_ADDED },
      snapshots: { 'cc_all_snapshot.sql': f.CC_ALL_SNAPSHOT, 'cc_date_snapshot.sql': f.CC_DATE_SNAPSHOT, 'cc_name_snapshot.sql': f.CC_NAME_SNAPSHOT },
    });
    const counts = async () => [await count(p, 'cc_all_snapshot'), await count(p, 'cc_name_snapshot'), await count(p, 'cc_date_snapshot')];
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    allSucceeded(await p.dbt(['snapshot']));
    expect(await counts()).toEqual([10, 10, 10]);
    allSucceeded(await p.dbt(['--no-partial-parse', 'snapshot', '--vars', 'seed_name: added']));
    expect(await counts()).toEqual([20, 20, 20]);
    await addDay(p);
    allSucceeded(await p.dbt(['snapshot', '--vars', 'seed_name: added']));
    expect(await counts()).toEqual([30, 20, 30]);
    await renameFirstTen(p);
    allSucceeded(await p.dbt(['snapshot', '--vars', 'seed_name: added']));
    expect(await counts()).toEqual([40, 30, 30]);
  });

  it('BaseSnapshotTimestamp: only a newer updated_at makes a new version', async () => {
    const p = dbtProject({
      seeds: { 'base.csv': f.SEED_BASE, 'newcolumns.csv': f.SEED_NEW_COLUMNS, 'added.csv': f.SEED_ADDED },
      snapshots: { 'ts_snapshot.sql': f.TS_SNAPSHOT },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(3);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await count(p, 'ts_snapshot')).toBe(10);
    await p.dbt(['snapshot', '--vars', 'seed_name: added']);
    expect(await count(p, 'ts_snapshot')).toBe(20);
    await addDay(p);
    await p.dbt(['snapshot', '--vars', 'seed_name: added']);
    expect(await count(p, 'ts_snapshot')).toBe(30);
    await renameFirstTen(p);
    await p.dbt(['snapshot', '--vars', 'seed_name: added']);
    expect(await count(p, 'ts_snapshot')).toBe(30);
  });

  it("dbt-clickhouse TestSnapshotStagingTmpCleanup: a crashed run's `<snapshot>__dbt_tmp` in the schema does not fail the next snapshot", async () => {
    const p = dbtProject({
      seeds: { 'base.csv': f.SEED_BASE, 'newcolumns.csv': f.SEED_NEW_COLUMNS, 'added.csv': f.SEED_ADDED },
      snapshots: { 'ts_snapshot.sql': f.TS_SNAPSHOT },
    });
    await p.dbt(['seed']);
    await p.dbt(['snapshot']);
    // tsdbt's staging tables are named per run (never `__dbt_tmp`), so dbt-clickhouse's orphan is in nobody's way.
    await p.query('CREATE TABLE {schema}.ts_snapshot__dbt_tmp ENGINE = MergeTree ORDER BY tuple() AS SELECT 1 AS id');
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await count(p, 'ts_snapshot')).toBe(10);
  });
});
