import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter simple_snapshot/: new_record_timestamp_mode.py (BaseSnapshotNewRecordTimestampMode),
 * new_record_check_mode.py (BaseSnapshotNewRecordCheckMode), new_record_dbt_valid_to_current.py
 * (BaseSnapshotNewRecordDbtValidToCurrent) and test_ephemeral_snapshot_hard_deletes.py (its four
 * classes). The upstream statements are Postgres'; here they are the same statements in ClickHouse
 * SQL (MergeTree tables, `ALTER TABLE … UPDATE` with mutations_sync for UPDATE, lightweight DELETE),
 * and `{{ target.database }}.{{ target.schema }}.seed` is `{{ target.schema }}.seed` (a ClickHouse
 * name has two parts, as in dbt-clickhouse's ports). dbt_scd_id is compared by its role (set,
 * distinct per version) rather than by Postgres' md5 text.
 */

const SEED_ROWS = `(1, 'Judith', 'Kennedy', '(not provided)', 'Female', '54.60.24.128', '2015-12-24 12:19:28'),
(2, 'Arthur', 'Kelly', '(not provided)', 'Male', '62.56.24.215', '2015-10-28 16:22:15'),
(3, 'Rachel', 'Moreno', 'rmoreno2@msu.edu', 'Female', '31.222.249.23', '2016-04-05 02:05:30'),
(4, 'Ralph', 'Turner', 'rturner3@hp.com', 'Male', '157.83.76.114', '2016-08-08 00:06:51'),
(5, 'Laura', 'Gonzales', 'lgonzales4@howstuffworks.com', 'Female', '30.54.105.168', '2016-09-01 08:25:38'),
(6, 'Katherine', 'Lopez', 'klopez5@yahoo.co.jp', 'Female', '169.138.46.89', '2016-08-30 18:52:11'),
(7, 'Jeremy', 'Hamilton', 'jhamilton6@mozilla.org', 'Male', '231.189.13.133', '2016-07-17 02:09:46'),
(8, 'Heather', 'Rose', 'hrose7@goodreads.com', 'Female', '87.165.201.65', '2015-12-29 22:03:56'),
(9, 'Gregory', 'Kelly', 'gkelly8@trellian.com', 'Male', '154.209.99.7', '2016-03-24 21:18:16'),
(10, 'Rachel', 'Lopez', 'rlopez9@themeforest.net', 'Female', '237.165.82.71', '2016-08-20 15:44:49'),
(11, 'Donna', 'Welch', 'dwelcha@shutterfly.com', 'Female', '103.33.110.138', '2016-02-27 01:41:48'),
(12, 'Russell', 'Lawrence', 'rlawrenceb@qq.com', 'Male', '189.115.73.4', '2016-06-11 03:07:09'),
(13, 'Michelle', 'Montgomery', 'mmontgomeryc@scientificamerican.com', 'Female', '243.220.95.82', '2016-06-18 16:27:19'),
(14, 'Walter', 'Castillo', 'wcastillod@pagesperso-orange.fr', 'Male', '71.159.238.196', '2016-10-06 01:55:44'),
(15, 'Robin', 'Mills', 'rmillse@vkontakte.ru', 'Female', '172.190.5.50', '2016-10-31 11:41:21'),
(16, 'Raymond', 'Holmes', 'rholmesf@usgs.gov', 'Male', '148.153.166.95', '2016-10-03 08:16:38'),
(17, 'Gary', 'Bishop', 'gbishopg@plala.or.jp', 'Male', '161.108.182.13', '2016-08-29 19:35:20'),
(18, 'Anna', 'Riley', 'arileyh@nasa.gov', 'Female', '253.31.108.22', '2015-12-11 04:34:27'),
(19, 'Sarah', 'Knight', 'sknighti@foxnews.com', 'Female', '222.220.3.177', '2016-09-26 00:49:06'),
(20, 'Phyllis', 'Fox', null, 'Female', '163.191.232.95', '2016-08-21 10:35:19')`;

const SEED_COLUMNS = 'id Int32, first_name Nullable(String), last_name Nullable(String), email Nullable(String), gender Nullable(String), ip_address Nullable(String), updated_at Nullable(DateTime)';
const EXPECTED_COLUMNS = `${SEED_COLUMNS}, dbt_valid_from Nullable(DateTime), dbt_valid_to Nullable(DateTime), dbt_updated_at Nullable(DateTime), dbt_is_deleted Nullable(String)`;
const COPY = 'id, first_name, last_name, email, gender, ip_address, updated_at';

async function seedNewRecordMode(p: DbtProject): Promise<void> {
  await p.query(`create table {schema}.seed (${SEED_COLUMNS}) engine = MergeTree order by tuple()`);
  await p.query(`create table {schema}.snapshot_expected (${EXPECTED_COLUMNS}) engine = MergeTree order by tuple()`);
  await p.query(`insert into {schema}.seed (${COPY}) values ${SEED_ROWS}`);
  await p.query(`insert into {schema}.snapshot_expected select ${COPY}, updated_at as dbt_valid_from, null as dbt_valid_to, updated_at as dbt_updated_at, 'False' as dbt_is_deleted from {schema}.seed`);
}

const SNAPSHOT_ACTUAL_SQL = `
{% snapshot snapshot_actual %}

    {{
        config(
            unique_key='id || ' ~ "'-'" ~ ' || first_name',
        )
    }}

    select * from {{target.schema}}.seed

{% endsnapshot %}
`;

const REF_SNAPSHOT_SQL = "\nselect * from {{ ref('snapshot_actual') }}\n";
const deleteCheck = (p: DbtProject) =>
  p.query<{ dbt_valid_from: string | null; dbt_valid_to: string | null; dbt_scd_id: string | null; dbt_is_deleted: string }>(
    'select dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_is_deleted from {schema}.snapshot_actual where id = 1',
  );
const deleteSeedRow = (p: DbtProject) => p.query('delete from {schema}.seed where id = 1');

/**
 * BaseSnapshotNewRecordTimestampMode.test_snapshot_new_record_mode, with the strategy's YAML. The
 * check strategy stamps versions with the snapshot's time (dbt's snapshot_check_strategy: `updated_at`
 * config, else snapshot_get_time()), so there the comparison with snapshot_expected leaves out the
 * three timestamps and checks that current rows are open.
 */
async function newRecordMode(snapshotsYml: string, check = false): Promise<void> {
  const p = dbtProject({ snapshots: { 'snapshot.sql': SNAPSHOT_ACTUAL_SQL }, models: { 'snapshots.yml': snapshotsYml, 'ref_snapshot.sql': REF_SNAPSHOT_SQL } });
  await p.query('create database if not exists {schema}');
  await seedNewRecordMode(p);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);

  // Update records 10 - 20: change email and updated_at.
  await p.query(
    "alter table {schema}.seed update updated_at = updated_at + interval 1 hour, email = case when id = 20 then 'pfoxj@creativecommons.org' else concat('new_', email) end where id >= 10 and id <= 20 settings mutations_sync = 2",
  );
  await p.query('alter table {schema}.snapshot_expected update dbt_valid_to = updated_at + interval 1 hour where id >= 10 and id <= 20 settings mutations_sync = 2');
  await p.query(`insert into {schema}.snapshot_expected select ${COPY}, updated_at, null, updated_at, 'False' from {schema}.seed where id >= 10 and id <= 20`);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  const columns = `${COPY}, ${check ? 'dbt_valid_to is null as open' : 'dbt_valid_from, dbt_valid_to, dbt_updated_at'}, dbt_is_deleted`;
  const versions = (table: string) => p.query(`select ${columns} from {schema}.${table} order by ${columns}`);
  expect(await versions('snapshot_actual')).toEqual(await versions('snapshot_expected'));

  await deleteSeedRow(p);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  let rows = await deleteCheck(p);
  expect(rows).toHaveLength(2);
  expect(rows.filter((c) => c.dbt_valid_to === null && c.dbt_scd_id !== null && c.dbt_is_deleted === 'True')).toHaveLength(1);
  expect(rows.filter((c) => c.dbt_valid_to !== null && c.dbt_scd_id !== null && c.dbt_is_deleted === 'False')).toHaveLength(1);
  expect(rows[0]!.dbt_scd_id).not.toBe(rows[1]!.dbt_scd_id);

  // The same source data again: neither insert nor update.
  await p.dbt(['snapshot']);
  expect(await deleteCheck(p)).toHaveLength(2);

  // The record comes back: the deletion row is closed and a new version opens.
  await p.query(`insert into {schema}.seed (${COPY}) values (1, 'Judith', 'Kennedy', '(not provided)', 'Female', '54.60.24.128', '2200-01-01 12:00:00')`);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  rows = await deleteCheck(p);
  expect(rows).toHaveLength(3);

  // Deleted once more, then a run with nothing new.
  await deleteSeedRow(p);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  expect(await deleteCheck(p)).toHaveLength(4);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  expect(await deleteCheck(p)).toHaveLength(4);
}

const SOURCES_YML = 'version: 2\n\nsources:\n  - name: test_source\n    schema: "{{ target.schema }}"\n    tables:\n      - name: src_customers\n';
const EPHEMERAL_CUSTOMERS_SQL = "\n{{ config(materialized='ephemeral') }}\n\nselect * from {{ source('test_source', 'src_customers') }}\n";
const snapshotsYml = (config: string) => `\nsnapshots:\n  - name: snapshot_customers\n    relation: ref('ephemeral_customers')\n    config:\n      unique_key: id\n${config}`;
const CHECK_ALL = '      strategy: check\n      check_cols: all\n      hard_deletes: new_record\n';
const TIMESTAMP = '      strategy: timestamp\n      updated_at: updated_at\n      hard_deletes: new_record\n';
const CHECK_SOME = '      strategy: check\n      check_cols:\n        - first_name\n        - email\n      hard_deletes: new_record\n';

async function customersProject(config: string): Promise<DbtProject> {
  const p = dbtProject({
    models: {
      '_sources.yml': SOURCES_YML,
      'ephemeral_customers.sql': EPHEMERAL_CUSTOMERS_SQL,
      'snapshots.yml': snapshotsYml(config),
      'ref_snapshot.sql': "\nselect * from {{ ref('snapshot_customers') }}\n",
    },
  });
  await p.query('create database if not exists {schema}');
  await p.query('create table {schema}.src_customers (id Int32, first_name Nullable(String), last_name Nullable(String), email Nullable(String), updated_at Nullable(DateTime)) engine = MergeTree order by tuple()');
  await p.query(
    "insert into {schema}.src_customers (id, first_name, last_name, email, updated_at) values (1, 'John', 'Doe', 'john.doe@example.com', '2023-01-01 10:00:00'), (2, 'Jane', 'Smith', 'jane.smith@example.com', '2023-01-02 11:00:00'), (3, 'Bob', 'Johnson', 'bob.johnson@example.com', '2023-01-03 12:00:00')",
  );
  return p;
}
const addDummyColumn = (p: DbtProject) => p.query("alter table {schema}.src_customers add column dummy_column Nullable(String) default 'dummy_value'");
const snapshotCount = async (p: DbtProject) => Number((await p.query<{ n: string }>('select count(*) as n from {schema}.snapshot_customers'))[0]!.n);

describe('simple_snapshot (dbt-tests-adapter simple_snapshot/)', () => {
  it('BaseSnapshotNewRecordTimestampMode: hard_deletes new_record with the timestamp strategy', async () => {
    await newRecordMode('\nsnapshots:\n  - name: snapshot_actual\n    config:\n      strategy: timestamp\n      updated_at: updated_at\n      hard_deletes: new_record\n');
  });

  it('BaseSnapshotNewRecordCheckMode: hard_deletes new_record with check_cols all', async () => {
    await newRecordMode('\nsnapshots:\n  - name: snapshot_actual\n    config:\n      strategy: check\n      check_cols: all\n      hard_deletes: new_record\n', true);
  });

  it('BaseSnapshotNewRecordDbtValidToCurrent: a deleted record is recorded once with dbt_valid_to_current', async () => {
    const p = dbtProject({
      snapshots: { 'snapshot.sql': '\n{% snapshot snapshot_actual %}\n    select * from {{target.schema}}.seed\n{% endsnapshot %}\n' },
      models: {
        'snapshots.yml': "\nsnapshots:\n  - name: snapshot_actual\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: all\n      hard_deletes: new_record\n      dbt_valid_to_current: \"date('9999-12-31')\"\n",
      },
    });
    await p.query('create database if not exists {schema}');
    await p.query('create table {schema}.seed (id Int32, first_name Nullable(String)) engine = MergeTree order by tuple()');
    await p.query("insert into {schema}.seed (id, first_name) values (1, 'Judith'), (2, 'Arthur')");
    await p.dbt(['snapshot']);
    await p.query('delete from {schema}.seed where id = 1');
    await p.dbt(['snapshot']);
    await p.dbt(['snapshot']);
    expect(await p.query("select dbt_scd_id from {schema}.snapshot_actual where id = 1 and dbt_is_deleted = 'True'")).toHaveLength(1);
    // The current row ends at dbt_valid_to_current, not NULL: ClickHouse's value of date('9999-12-31')
    // (a Date saturates at 2149-06-06; DateTime64 ends in 2299: no ClickHouse time holds 9999).
    const current = (await p.query<{ d: string }>("select toString(date('9999-12-31')) as d"))[0]!.d;
    const open = await p.query<{ id: number; to: string }>("select id, toString(dbt_valid_to) as to from {schema}.snapshot_actual where dbt_is_deleted = 'False' order by id, dbt_valid_from");
    expect(open.map((r) => [r.id, r.to.slice(0, 10)])).toEqual([
      [1, expect.not.stringMatching(new RegExp(`^${current}`))],
      [2, current],
    ]);
  });

  it('BaseSnapshotEphemeralHardDeletes: a snapshot of an ephemeral model, then a column added to its source', async () => {
    const p = await customersProject(CHECK_ALL);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await snapshotCount(p)).toBe(3);
    await addDummyColumn(p);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  });

  it('BaseSnapshotNewColumnTimestampStrategy: a new source column with the timestamp strategy + hard_deletes new_record', async () => {
    const p = await customersProject(TIMESTAMP);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    await addDummyColumn(p);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  });

  it('BaseSnapshotNewColumnSpecificCheckCols: a new source column outside check_cols', async () => {
    const p = await customersProject(CHECK_SOME);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    await addDummyColumn(p);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect((await p.query<{ name: string }>("select name from system.columns where database = '{schema}' and table = 'snapshot_customers'")).map((c) => c.name)).toContain('dummy_column');
  });

  it('BaseSnapshotNewColumnWithDeletes: a new column and a deleted row in one run (6 rows)', async () => {
    const p = await customersProject(CHECK_ALL);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await snapshotCount(p)).toBe(3);
    await addDummyColumn(p);
    await p.query('delete from {schema}.src_customers where id = 3');
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    // 3 original rows closed (check_cols all sees the new column as a change), 2 new versions for
    // ids 1 and 2, 1 deletion record for id 3 (its new column NULL).
    expect(await snapshotCount(p)).toBe(6);
    const deleted = await p.query<{ dummy_column: string | null }>("select dummy_column from {schema}.snapshot_customers where id = 3 and dbt_is_deleted = 'True'");
    expect(deleted).toEqual([{ dummy_column: null }]);
  });

  describe('test_various_configs', () => {
    it('BaseSnapshotColumnNames: snapshot_meta_column_names in the snapshot YAML', async () => {
      const p = metaColumnsProject(META_YML);
      await variousConfigsRun(p, 'null');
    });

    it('BaseSnapshotColumnNamesFromDbtProject: snapshot_meta_column_names from dbt_project.yml', async () => {
      const p = metaColumnsProject(NO_NAMES_YML, META_FROM_PROJECT);
      await variousConfigsRun(p, 'null');
    });

    it('BaseSnapshotInvalidColumnNames: meta column names changed under an existing snapshot is a Compilation Error', async () => {
      const p = metaColumnsProject(NO_NAMES_YML, META_FROM_PROJECT);
      await p.query('create database if not exists {schema}');
      await createSeed(p);
      expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
      expect(p.readJson('target/manifest.json').nodes['snapshot.test.snapshot_actual'].config.snapshot_meta_column_names).toMatchObject({
        dbt_valid_to: 'TEST_VALID_TO', dbt_valid_from: 'test_valid_from', dbt_scd_id: 'test_scd_id', dbt_updated_at: 'test_updated_at',
      });
      await invalidate(p, 'null');
      p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\nsnapshots:\n  test:\n    +snapshot_meta_column_names:\n      dbt_valid_to: TEST_VALID_TO\n      dbt_updated_at: test_updated_at\n` });
      const r = await p.dbt(['snapshot'], { expectPass: false });
      expect(r.results).toHaveLength(1);
      expect(r.out.join('\n')).toContain('Compilation Error in snapshot snapshot_actual');
      expect(r.out.join('\n')).toContain('Snapshot target is missing configured columns');
    });

    it("BaseSnapshotDbtValidToCurrent: dbt_valid_to_current date('2099-12-31') with meta column names", async () => {
      const p = metaColumnsProject(`${META_YML}      dbt_valid_to_current: "date('2099-12-31')"\n`);
      await p.query('create database if not exists {schema}');
      await createSeed(p, "date('2099-12-31')");
      expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
      const validTo = async () => (await p.query<{ id: number; to: string }>('select id, toString(TEST_VALID_TO) as to from {schema}.snapshot_actual order by id, test_valid_from')).map((r) => [r.id, r.to]);
      let rows = await validTo();
      expect(rows[0]![1]).toMatch(/^2099-12-31 00:00:00/);
      expect(rows[9]![1]).toMatch(/^2099-12-31 00:00:00/);
      await invalidate(p, "date('2099-12-31')");
      expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
      rows = await validTo();
      expect(rows[0]![1]).toMatch(/^2099-12-31 00:00:00/);
      // id 10's first version is closed at its new updated_at; its second version is current.
      expect(rows.filter((r) => r[0] === 10).map((r) => r[1]!.slice(0, 19))).toEqual(['2016-08-20 16:44:49', '2099-12-31 00:00:00']);
      await expectSnapshotEqualsExpected(p);
    });

    it('BaseSnapshotMultiUniqueKey: a YAML-only snapshot of a model with a unique_key list', async () => {
      const p = dbtProject({ models: { 'seed.sql': '\nselect * from {{target.schema}}.seed\n', 'snapshots.yml': MULTI_KEY_YML, 'ref_snapshot.sql': REF_SNAPSHOT_SQL } });
      await p.query('create database if not exists {schema}');
      await p.query(`create table {schema}.seed (id1 Int32, id2 Int32, ${SEED_COLUMNS.replace('id Int32, ', '')}) engine = MergeTree order by tuple()`);
      await p.query(`create table {schema}.snapshot_expected (id1 Int32, id2 Int32, ${META_EXPECTED_COLUMNS.replace('id Int32, ', '')}) engine = MergeTree order by tuple()`);
      await p.query(`insert into {schema}.seed (id1, id2, first_name, last_name, email, gender, ip_address, updated_at) values ${SEED_ROWS.replace(/^\((\d+), /gm, (_, id) => `(${id}, ${Number(id) * 100}, `)}`);
      const scd = "lower(hex(MD5(concat(toString(id1), '|', toString(id2), '|', toString(updated_at)))))";
      const copy = 'id1, id2, first_name, last_name, email, gender, ip_address, updated_at';
      await p.query(`insert into {schema}.snapshot_expected (${copy}, test_valid_from, TEST_VALID_TO, test_updated_at, test_scd_id) select ${copy}, updated_at, null, updated_at, ${scd} from {schema}.seed`);
      expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
      await p.query(
        "alter table {schema}.seed update updated_at = updated_at + interval 1 hour, email = case when id1 = 20 then 'pfoxj@creativecommons.org' else concat('new_', email) end where id1 >= 10 and id1 <= 20 settings mutations_sync = 2",
      );
      await p.query('alter table {schema}.snapshot_expected update TEST_VALID_TO = updated_at + interval 1 hour where id1 >= 10 and id1 <= 20 settings mutations_sync = 2');
      await p.query(`insert into {schema}.snapshot_expected (${copy}, test_valid_from, TEST_VALID_TO, test_updated_at, test_scd_id) select ${copy}, updated_at, null, updated_at, ${scd} from {schema}.seed where id1 >= 10 and id1 <= 20`);
      expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
      await expectSnapshotEqualsExpected(p);
    });
  });

  describe('test_snapshot (BaseSimpleSnapshot, BaseSnapshotCheck)', () => {
    it('test_updates_are_captured_by_snapshot', async () => {
      const p = await simpleSnapshotBase(SNAPSHOT_TIMESTAMP_SQL);
      await updateFact(p, 'updated_at = updated_at + interval 1 day', 'id between 16 and 20');
      await p.dbt(['snapshot']);
      await assertResults(p, range(1, 21), range(16, 21));
    });

    it('test_inserts_are_captured_by_snapshot', async () => {
      const p = await simpleSnapshotBase(SNAPSHOT_TIMESTAMP_SQL);
      await p.query('insert into {schema}.fact select * from {schema}.seed where id between 21 and 30');
      await p.dbt(['snapshot']);
      await assertResults(p, range(1, 31), []);
    });

    it('test_deletes_are_captured_by_snapshot (invalidate_hard_deletes)', async () => {
      const p = await simpleSnapshotBase(SNAPSHOT_TIMESTAMP_SQL);
      await p.query('delete from {schema}.fact where id between 16 and 20');
      await p.dbt(['snapshot']);
      await assertResults(p, range(1, 16), range(16, 21));
    });

    it('test_revives_are_captured_by_snapshot', async () => {
      const p = await simpleSnapshotBase(SNAPSHOT_TIMESTAMP_SQL);
      await p.query('delete from {schema}.fact where id between 16 and 20');
      await p.dbt(['snapshot']);
      await p.query('insert into {schema}.fact select * from {schema}.seed where id between 16 and 18');
      await p.dbt(['snapshot']);
      await assertResults(p, range(1, 19), range(16, 21));
    });

    it('test_new_column_captured_by_snapshot', async () => {
      const p = await simpleSnapshotBase(SNAPSHOT_TIMESTAMP_SQL);
      await p.query('alter table {schema}.fact add column full_name Nullable(String) default null');
      await updateFact(p, "full_name = first_name || ' ' || last_name, updated_at = updated_at + interval 1 day", 'id between 11 and 20');
      await p.dbt(['snapshot']);
      await assertResults(p, range(1, 21), range(11, 21));
    });

    it('BaseSnapshotCheck.test_column_selection_is_reflected_in_snapshot: only check_cols changes make versions', async () => {
      const p = await simpleSnapshotBase(SNAPSHOT_CHECK_SQL);
      await updateFact(p, 'last_name = left(last_name, 3)', 'id between 1 and 10');
      await updateFact(p, 'email = left(email, 3)', 'id between 6 and 15');
      await p.dbt(['snapshot']);
      await assertResults(p, range(1, 21), range(6, 16));
    });
  });
});

/* test_snapshot.py's base (simple_snapshot/seeds.py, snapshots.py, common.py). */
const SIMPLE_SEED_CSV = `id,first_name,last_name,email,gender,ip_address,updated_at\n${Array.from({ length: 30 }, (_, k) => {
  const i = k + 1;
  return `${i},First${i},Last${i}name,person${i}@example.com,${i % 2 ? 'Female' : 'Male'},10.0.0.${i},2016-0${(i % 9) + 1}-1${i % 10}`;
}).join('\n')}\n`;
const SNAPSHOT_TIMESTAMP_SQL = "\n{% snapshot snapshot %}\n    {{ config(\n        target_database=database,\n        target_schema=schema,\n        unique_key='id',\n        strategy='timestamp',\n        updated_at='updated_at',\n        invalidate_hard_deletes=True,\n    ) }}\n    select * from {{ ref('fact') }}\n{% endsnapshot %}\n";
const SNAPSHOT_CHECK_SQL = "\n{% snapshot snapshot %}\n    {{ config(\n        target_database=database,\n        target_schema=schema,\n        unique_key='id',\n        strategy='check',\n        check_cols=['email'],\n    ) }}\n    select * from {{ ref('fact') }}\n{% endsnapshot %}\n";
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

/** BaseSimpleSnapshotBase: seed loaded, `fact` = the seed's first 20 rows (common.clone_table), a first snapshot. */
async function simpleSnapshotBase(snapshot: string): Promise<DbtProject> {
  const p = dbtProject({
    seeds: { 'seed.csv': SIMPLE_SEED_CSV },
    models: { 'fact.sql': '\n{{ config(materialized="table") }}\nselect * from {{ ref(\'seed\') }}\nwhere id between 1 and 20\n' },
    snapshots: { 'snapshot.sql': snapshot },
  });
  await p.dbt(['seed']);
  await p.query('create table {schema}.fact engine = MergeTree order by tuple() as select * from {schema}.seed where id between 1 and 20');
  await p.dbt(['snapshot']);
  return p;
}
const updateFact = (p: DbtProject, set: string, where: string) => p.query(`alter table {schema}.fact update ${set} where ${where} settings mutations_sync = 2`);

/** _assert_results: every (id, is_current) of the snapshot is one of the expected pairs. */
async function assertResults(p: DbtProject, current: readonly number[], closed: readonly number[]): Promise<void> {
  const records = await p.query<{ id: number; is_current: number | boolean }>('select id, dbt_valid_to is null as is_current from {schema}.snapshot');
  const expected = new Set([...current.map((i) => `${i}:true`), ...closed.map((i) => `${i}:false`)]);
  const seen = new Set(records.map((r) => `${r.id}:${Boolean(Number(r.is_current))}`));
  for (const r of seen) expect(expected, r).toContain(r);
  // And every expected pair is there (upstream's sets are equal in each case).
  expect([...seen].sort()).toEqual([...expected].sort());
}


/*
 * test_various_configs' fixtures (simple_snapshot/fixtures.py). Postgres folds the unquoted
 * TEST_VALID_TO to test_valid_to; ClickHouse keeps the case, so the column is TEST_VALID_TO here.
 */
const META_EXPECTED_COLUMNS = `${SEED_COLUMNS}, test_valid_from Nullable(DateTime), TEST_VALID_TO Nullable(DateTime), test_scd_id Nullable(String), test_updated_at Nullable(DateTime)`;
const META_NAMES = '      snapshot_meta_column_names:\n          dbt_valid_to: TEST_VALID_TO\n          dbt_valid_from: test_valid_from\n          dbt_scd_id: test_scd_id\n          dbt_updated_at: test_updated_at\n';
const META_YML = `\nsnapshots:\n  - name: snapshot_actual\n    config:\n      strategy: timestamp\n      updated_at: updated_at\n${META_NAMES}`;
const NO_NAMES_YML = '\nsnapshots:\n  - name: snapshot_actual\n    config:\n      strategy: timestamp\n      updated_at: updated_at\n';
const META_FROM_PROJECT = 'snapshots:\n  test:\n    +snapshot_meta_column_names:\n      dbt_valid_to: TEST_VALID_TO\n      dbt_valid_from: test_valid_from\n      dbt_scd_id: test_scd_id\n      dbt_updated_at: test_updated_at\n';
const MULTI_KEY_YML = `\nsnapshots:\n  - name: snapshot_actual\n    relation: "ref('seed')"\n    config:\n      strategy: timestamp\n      updated_at: updated_at\n      unique_key:\n        - id1\n        - id2\n${META_NAMES}`;
/** dbt's md5(id || '-' || first_name || '|' || updated_at::text), as text of the same values. */
const SCD = "lower(hex(MD5(concat(toString(id), '-', first_name, '|', toString(updated_at)))))";

function metaColumnsProject(yml: string, projectConfig?: string): DbtProject {
  return dbtProject({ snapshots: { 'snapshot.sql': SNAPSHOT_ACTUAL_SQL }, models: { 'snapshots.yml': yml, 'ref_snapshot.sql': REF_SNAPSHOT_SQL }, ...(projectConfig ? { projectConfig } : {}) });
}

async function createSeed(p: DbtProject, validTo = 'null'): Promise<void> {
  await p.query(`create table {schema}.seed (${SEED_COLUMNS}) engine = MergeTree order by tuple()`);
  await p.query(`create table {schema}.snapshot_expected (${META_EXPECTED_COLUMNS}) engine = MergeTree order by tuple()`);
  await p.query(`insert into {schema}.seed (${COPY}) values ${SEED_ROWS}`);
  await p.query(`insert into {schema}.snapshot_expected (${COPY}, test_valid_from, TEST_VALID_TO, test_updated_at, test_scd_id) select ${COPY}, updated_at, ${validTo}, updated_at, ${SCD} from {schema}.seed`);
}

/** invalidate_sql + update_sql (update_with_current_sql when the current rows end at `validTo`). */
async function invalidate(p: DbtProject, validTo: string): Promise<void> {
  await p.query(
    "alter table {schema}.seed update updated_at = updated_at + interval 1 hour, email = case when id = 20 then 'pfoxj@creativecommons.org' else concat('new_', email) end where id >= 10 and id <= 20 settings mutations_sync = 2",
  );
  await p.query('alter table {schema}.snapshot_expected update TEST_VALID_TO = updated_at + interval 1 hour where id >= 10 and id <= 20 settings mutations_sync = 2');
  await p.query(`insert into {schema}.snapshot_expected (${COPY}, test_valid_from, TEST_VALID_TO, test_updated_at, test_scd_id) select ${COPY}, updated_at, ${validTo}, updated_at, ${SCD} from {schema}.seed where id >= 10 and id <= 20`);
}

/** dbt's check_relations_equal(snapshot_actual, snapshot_expected): the expected table's columns, compared as text. */
async function expectSnapshotEqualsExpected(p: DbtProject): Promise<void> {
  const columns = (await p.query<{ name: string }>("select name from system.columns where database = '{schema}' and table = 'snapshot_expected' order by position")).map((c) => c.name);
  const list = columns.map((c) => `toString(\`${c}\`)`).join(', ');
  const rows = (table: string) => p.query(`select ${list} from {schema}.${table} order by ${list}`);
  const actual = await rows('snapshot_actual');
  expect(actual.length).toBeGreaterThan(0);
  expect(actual).toEqual(await rows('snapshot_expected'));
}

async function variousConfigsRun(p: DbtProject, validTo: string): Promise<void> {
  await p.query('create database if not exists {schema}');
  await createSeed(p, validTo);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  await invalidate(p, validTo);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  await expectSnapshotEqualsExpected(p);
}