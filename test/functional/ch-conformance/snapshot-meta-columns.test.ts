import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/basic/test_snapshot_meta_columns.py (branch
 * ClickHouse/revamp-snapshot-feature, 6ed4764): dbt-tests-adapter's snapshot_meta_column_names,
 * multi-column unique_key, invalid column names and dbt_valid_to_current cases in ClickHouse SQL —
 * YAML-defined snapshots (`relation: "ref('seed')"`), seeds typed by `column_types`, the source
 * changed by mutations. Same files, commands and assertions as upstream.
 */
const SEED_CSV = `id1,id2,first_name,updated_at
1,100,Judith,2016-08-20 10:00:00
2,200,Arthur,2016-08-20 10:00:00
3,300,Rachel,2016-08-20 10:00:00
4,400,Ralph,2016-08-20 10:00:00
`;
const SEED_YML = `
seeds:
  - name: seed
    config:
      column_types:
        id1: Int32
        id2: Int32
        first_name: String
        updated_at: DateTime
`;
const SNAPSHOT_YML = `
snapshots:
  - name: snap
    relation: "ref('seed')"
    config:
      strategy: timestamp
      updated_at: updated_at
      unique_key:
        - id1
        - id2
      snapshot_meta_column_names:
        dbt_valid_to: valid_to
        dbt_valid_from: valid_from
        dbt_scd_id: scd_id
        dbt_updated_at: updated_ts
`;

const NR_SEED_CSV = `id1,id2,val,updated_at
1,100,a,2024-01-01 10:00:00
2,200,b,2024-01-01 10:00:00
3,300,c,2024-01-01 10:00:00
4,400,d,2024-01-01 10:00:00
`;
const NR_SEED_YML = `
seeds:
  - name: seed
    config:
      column_types:
        id1: Int32
        id2: Int32
        val: String
        updated_at: DateTime
`;
const NR_SNAPSHOT_YML = `
snapshots:
  - name: snap
    relation: "ref('seed')"
    config:
      strategy: timestamp
      updated_at: updated_at
      unique_key:
        - id1
        - id2
      hard_deletes: new_record
`;

const CFG_SEED_CSV = `id,name,updated_at
1,Alice,2024-01-01 10:00:00
2,Bob,2024-01-01 10:00:00
3,Carol,2024-01-01 10:00:00
`;
const CFG_SEED_YML = `
seeds:
  - name: seed
    config:
      column_types:
        id: Int32
        name: String
        updated_at: DateTime
`;
const INVALID_SNAPSHOT_YML = `
snapshots:
  - name: snap
    relation: "ref('seed')"
    config:
      strategy: timestamp
      updated_at: updated_at
      unique_key: id
      snapshot_meta_column_names:
        dbt_valid_to: test_valid_to
        dbt_valid_from: test_valid_from
        dbt_scd_id: test_scd_id
        dbt_updated_at: test_updated_at
`;
const INVALID_SNAPSHOT_YML_CHANGED = `
snapshots:
  - name: snap
    relation: "ref('seed')"
    config:
      strategy: timestamp
      updated_at: updated_at
      unique_key: id
      snapshot_meta_column_names:
        dbt_valid_to: test_valid_to
        dbt_updated_at: test_updated_at
`;
const VTC_SNAPSHOT_YML = `
snapshots:
  - name: snap
    relation: "ref('seed')"
    config:
      strategy: timestamp
      updated_at: updated_at
      unique_key: id
      dbt_valid_to_current: "toDateTime('2105-01-01 00:00:00')"
      snapshot_meta_column_names:
        dbt_valid_to: test_valid_to
        dbt_valid_from: test_valid_from
        dbt_scd_id: test_scd_id
        dbt_updated_at: test_updated_at
`;

const scalar = async (p: DbtProject, sql: string) => Number(Object.values((await p.query<Record<string, unknown>>(sql))[0]!)[0]);
const columns = async (p: DbtProject, table: string) =>
  new Set((await p.query<{ name: string }>(`select name from system.columns where database = '{schema}' and table = '${table}'`)).map((r) => r.name));

describe('dbt-clickhouse test_snapshot_meta_columns.py (revamp-snapshot-feature)', () => {
  it('TestSnapshotMetaColumnsMultiKey: renamed meta columns and a two-column unique_key', async () => {
    const p = dbtProject({ seeds: { 'seed.csv': SEED_CSV, 'seed.yml': SEED_YML }, snapshots: { 'snap.yml': SNAPSHOT_YML } });
    await p.dbt(['seed']);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);

    const cols = await columns(p, 'snap');
    for (const c of ['valid_to', 'valid_from', 'scd_id', 'updated_ts']) expect(cols.has(c), c).toBe(true);
    expect(cols.has('dbt_valid_to')).toBe(false);
    expect(cols.has('dbt_scd_id')).toBe(false);
    expect(await scalar(p, 'select count() from {schema}.snap where valid_to is null')).toBe(4);

    await p.query('alter table {schema}.seed update updated_at = updated_at + interval 1 day where id1 = 1 and id2 = 100 settings mutations_sync = 2');
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);

    const rows = await p.query<{ is_current: number; n: string }>(
      'select valid_to is null as is_current, count() as n from {schema}.snap where id1 = 1 and id2 = 100 group by is_current order by is_current',
    );
    expect(rows.map((r) => [Number(r.is_current), Number(r.n)])).toEqual([[0, 1], [1, 1]]);
    expect(await scalar(p, 'select count() from {schema}.snap where valid_to is null')).toBe(4);
  });

  it('TestSnapshotMultiKeyNewRecord: a two-column unique_key with hard_deletes new_record', async () => {
    const p = dbtProject({ seeds: { 'seed.csv': NR_SEED_CSV, 'seed.yml': NR_SEED_YML }, snapshots: { 'snap.yml': NR_SNAPSHOT_YML } });
    await p.dbt(['seed']);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await scalar(p, 'select count() from {schema}.snap where dbt_valid_to is null')).toBe(4);
    expect(await scalar(p, "select count() from {schema}.snap where dbt_is_deleted = 'True'")).toBe(0);

    await p.query('alter table {schema}.seed delete where id1 = 1 and id2 = 100 settings mutations_sync = 2');
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);

    const rows = await p.query('select dbt_is_deleted, dbt_valid_to is null as is_current from {schema}.snap where id1 = 1 and id2 = 100');
    expect(rows).toHaveLength(2);
    expect(await scalar(p, "select count() from {schema}.snap where dbt_is_deleted = 'True'")).toBe(1);
    expect(await scalar(p, "select count() from {schema}.snap where id1 = 1 and id2 = 100 and dbt_is_deleted = 'True' and dbt_valid_to is null")).toBe(1);
    expect(await scalar(p, 'select count() from {schema}.snap where dbt_valid_to is null')).toBe(4);
  });

  it('TestSnapshotInvalidColumnNames: a changed snapshot_meta_column_names against the existing snapshot fails', async () => {
    const p = dbtProject({ seeds: { 'seed.csv': CFG_SEED_CSV, 'seed.yml': CFG_SEED_YML }, snapshots: { 'snap.yml': INVALID_SNAPSHOT_YML } });
    await p.dbt(['seed']);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    const cols = await columns(p, 'snap');
    for (const c of ['test_valid_to', 'test_valid_from', 'test_scd_id', 'test_updated_at']) expect(cols.has(c), c).toBe(true);
    expect(cols.has('dbt_valid_to') || cols.has('dbt_scd_id')).toBe(false);

    p.write({ 'snapshots/snap.yml': INVALID_SNAPSHOT_YML_CHANGED });
    const r = await p.dbt(['--no-partial-parse', 'snapshot'], { expectPass: false });
    expect(r.results).toHaveLength(1);
    expect(r.out.join('\n')).toContain('Snapshot target is missing configured columns');
  });

  it('TestSnapshotDbtValidToCurrentTimestamp: current rows carry the dbt_valid_to_current sentinel under renamed meta columns', async () => {
    const p = dbtProject({ seeds: { 'seed.csv': CFG_SEED_CSV, 'seed.yml': CFG_SEED_YML }, snapshots: { 'snap.yml': VTC_SNAPSHOT_YML } });
    await p.dbt(['seed']);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    // (times read as text: DateTime's 'YYYY-MM-DD hh:mm:ss', upstream's datetime values)
    const validTos = (await p.query<{ v: string }>('select toString(test_valid_to) as v from {schema}.snap')).map((r) => r.v);
    expect(validTos).toEqual(['2105-01-01 00:00:00', '2105-01-01 00:00:00', '2105-01-01 00:00:00']);

    await p.query('alter table {schema}.seed update updated_at = updated_at + interval 1 day where id = 1 settings mutations_sync = 2');
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);

    const rows = (await p.query<{ v: string }>('select toString(test_valid_to) as v from {schema}.snap where id = 1')).map((r) => r.v).sort();
    expect(rows).toEqual(['2024-01-02 10:00:00', '2105-01-01 00:00:00']);
    expect(await scalar(p, "select count() from {schema}.snap where test_valid_to = toDateTime('2105-01-01 00:00:00')")).toBe(3);
  });
});
