import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/basic/test_snapshot_new_record.py (branch
 * ClickHouse/revamp-snapshot-feature, 6ed4764): dbt-tests-adapter's BaseSnapshotNewRecordTimestampMode,
 * BaseSnapshotNewRecordCheckMode and BaseSnapshotNewRecordDbtValidToCurrent with dbt-clickhouse's
 * statements — source columns NOT Nullable (`String`, `DateTime`: a ClickHouse table's usual types,
 * where the Postgres-shaped ports in adapter-suite/simple-snapshot.test.ts use Nullable ones),
 * snapshot_expected holding only the business columns (check_relations_equal leaves out `dbt_`
 * columns), the reinserted row dated 2030 (2200 is past DateTime).
 */
const COLS = 'id Int32, first_name String, last_name String, email String, gender String, ip_address String, updated_at DateTime';
const BIZ = 'id, first_name, last_name, email, gender, ip_address, updated_at';
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
(20, 'Phyllis', 'Fox', 'pfox0@example.com', 'Female', '163.191.232.95', '2016-08-21 10:35:19')`;

const SNAPSHOT_SQL = `
{% snapshot snapshot_actual %}
    {{ config(unique_key="id || '-' || first_name") }}
    select * from {{ target.schema }}.seed
{% endsnapshot %}
`;
const REF_SNAPSHOT_SQL = "\nselect * from {{ ref('snapshot_actual') }}\n";
const TIMESTAMP_YML = '\nsnapshots:\n  - name: snapshot_actual\n    config:\n      strategy: timestamp\n      updated_at: updated_at\n      hard_deletes: new_record\n';
const CHECK_YML = '\nsnapshots:\n  - name: snapshot_actual\n    config:\n      strategy: check\n      check_cols: all\n      hard_deletes: new_record\n';
const DELETE = 'alter table {schema}.seed delete where id = 1 settings mutations_sync = 2';

type CheckRow = { dbt_valid_to: string | null; dbt_scd_id: string | null; dbt_is_deleted: string };
const deleteCheck = (p: DbtProject) => p.query<CheckRow>('select dbt_valid_to, dbt_scd_id, dbt_is_deleted from {schema}.snapshot_actual where id = 1');

/** BaseSnapshotNewRecordTimestampMode.test_snapshot_new_record_mode with _ClickHouseNewRecordSQL. */
async function newRecordMode(snapshotsYml: string): Promise<void> {
  const p = dbtProject({ snapshots: { 'snapshot.sql': SNAPSHOT_SQL }, models: { 'snapshots.yml': snapshotsYml, 'ref_snapshot.sql': REF_SNAPSHOT_SQL } });
  await p.query('create database if not exists {schema}');
  await p.query(`create table {schema}.seed (${COLS}) engine = MergeTree order by id`);
  await p.query(`create table {schema}.snapshot_expected (${COLS}) engine = MergeTree order by id`);
  await p.query(`insert into {schema}.seed (${BIZ}) values ${SEED_ROWS}`);
  await p.query(`insert into {schema}.snapshot_expected (${BIZ}) select ${BIZ} from {schema}.seed`);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);

  await p.query(
    "alter table {schema}.seed update updated_at = updated_at + interval 1 hour, email = case when id = 20 then 'pfoxj@creativecommons.org' else concat('new_', email) end where id >= 10 and id <= 20 settings mutations_sync = 2",
  );
  await p.query(`insert into {schema}.snapshot_expected (${BIZ}) select ${BIZ} from {schema}.seed where id >= 10 and id <= 20`);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  // check_relations_equal: the columns of snapshot_actual other than dbt_ ones.
  await expectRelationsEqual(p, ['snapshot_actual', 'snapshot_expected'], BIZ.split(', '));

  await p.query(DELETE);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  let rows = await deleteCheck(p);
  expect(rows).toHaveLength(2);
  expect(rows.filter((c) => c.dbt_valid_to === null && c.dbt_scd_id !== null && c.dbt_is_deleted === 'True')).toHaveLength(1);
  expect(rows.filter((c) => c.dbt_valid_to !== null && c.dbt_scd_id !== null && c.dbt_is_deleted === 'False')).toHaveLength(1);
  expect(rows[0]!.dbt_scd_id).not.toBe(rows[1]!.dbt_scd_id);

  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  expect(await deleteCheck(p)).toHaveLength(2);

  await p.query(`insert into {schema}.seed (${BIZ}) values (1, 'Judith', 'Kennedy', '(not provided)', 'Female', '54.60.24.128', '2030-01-01 12:00:00')`);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  rows = await p.query('select dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_is_deleted from {schema}.snapshot_actual where id = 1');
  expect(rows).toHaveLength(3);

  await p.query(DELETE);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  expect(await deleteCheck(p)).toHaveLength(4);
  expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  expect(await deleteCheck(p)).toHaveLength(4);
}

describe('dbt-clickhouse test_snapshot_new_record.py (revamp-snapshot-feature)', () => {
  it('TestSnapshotNewRecordTimestampMode: NOT NULL source columns, hard_deletes new_record, timestamp strategy', async () => {
    await newRecordMode(TIMESTAMP_YML);
  });

  it('TestSnapshotNewRecordCheckMode: NOT NULL source columns, hard_deletes new_record, check_cols all', async () => {
    await newRecordMode(CHECK_YML);
  });

  it('TestSnapshotNewRecordDbtValidToCurrent: a deleted NOT NULL row is recorded once', async () => {
    const p = dbtProject({
      snapshots: { 'snapshot.sql': '\n{% snapshot snapshot_actual %}\n    select * from {{ target.schema }}.seed\n{% endsnapshot %}\n' },
      models: {
        'snapshots.yml': "\nsnapshots:\n  - name: snapshot_actual\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: all\n      hard_deletes: new_record\n      dbt_valid_to_current: \"date('9999-12-31')\"\n",
      },
    });
    await p.query('create database if not exists {schema}');
    await p.query('create table {schema}.seed (id Int32, first_name String) engine = MergeTree order by id');
    await p.query("insert into {schema}.seed (id, first_name) values (1, 'Judith'), (2, 'Arthur')");
    await p.dbt(['snapshot']);
    await p.query(DELETE);
    await p.dbt(['snapshot']);
    await p.dbt(['snapshot']);
    expect(await p.query("select dbt_scd_id from {schema}.snapshot_actual where id = 1 and dbt_is_deleted = 'True'")).toHaveLength(1);
  });
});

/*
 * dbt-clickhouse test_snapshot_new_column.py (same branch): dbt-tests-adapter's
 * test_ephemeral_snapshot_hard_deletes.py classes with _ClickHouseSourceSQL — a NOT NULL source and a
 * NOT NULL `dummy_column String default 'dummy_value'` added between snapshots.
 */
const SOURCES_YML = 'version: 2\n\nsources:\n  - name: test_source\n    schema: "{{ target.schema }}"\n    tables:\n      - name: src_customers\n';
const EPHEMERAL_CUSTOMERS_SQL = "\n{{ config(materialized='ephemeral') }}\n\nselect * from {{ source('test_source', 'src_customers') }}\n";
const customersYml = (config: string) => `\nsnapshots:\n  - name: snapshot_customers\n    relation: ref('ephemeral_customers')\n    config:\n      unique_key: id\n${config}`;
const CHECK_ALL = '      strategy: check\n      check_cols: all\n      hard_deletes: new_record\n';
const TIMESTAMP = '      strategy: timestamp\n      updated_at: updated_at\n      hard_deletes: new_record\n';
const CHECK_SOME = '      strategy: check\n      check_cols:\n        - first_name\n        - email\n      hard_deletes: new_record\n';

async function customers(config: string): Promise<DbtProject> {
  const p = dbtProject({
    models: {
      '_sources.yml': SOURCES_YML,
      'ephemeral_customers.sql': EPHEMERAL_CUSTOMERS_SQL,
      'snapshots.yml': customersYml(config),
      'ref_snapshot.sql': "\nselect * from {{ ref('snapshot_customers') }}\n",
    },
  });
  await p.query('create database if not exists {schema}');
  await p.query('create table {schema}.src_customers (id Int32, first_name String, last_name String, email String, updated_at DateTime) engine = MergeTree order by id');
  await p.query(
    "insert into {schema}.src_customers (id, first_name, last_name, email, updated_at) values (1, 'John', 'Doe', 'john.doe@example.com', '2023-01-01 10:00:00'),(2, 'Jane', 'Smith', 'jane.smith@example.com', '2023-01-02 11:00:00'),(3, 'Bob', 'Johnson', 'bob.johnson@example.com', '2023-01-03 12:00:00')",
  );
  return p;
}
const addColumn = (p: DbtProject) => p.query("alter table {schema}.src_customers add column dummy_column String default 'dummy_value'");
const rowCount = async (p: DbtProject) => Number((await p.query<{ n: string }>('select count(*) as n from {schema}.snapshot_customers'))[0]!.n);

describe('dbt-clickhouse test_snapshot_new_column.py (revamp-snapshot-feature)', () => {
  it('TestSnapshotEphemeralHardDeletes', async () => {
    const p = await customers(CHECK_ALL);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await rowCount(p)).toBe(3);
    await addColumn(p);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  });

  it('TestSnapshotNewColumnTimestampStrategy', async () => {
    const p = await customers(TIMESTAMP);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    await addColumn(p);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  });

  it('TestSnapshotNewColumnSpecificCheckCols', async () => {
    const p = await customers(CHECK_SOME);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    await addColumn(p);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  });

  it('TestSnapshotNewColumnWithDeletes: a NOT NULL column added and a row deleted in one run (6 rows)', async () => {
    const p = await customers(CHECK_ALL);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await rowCount(p)).toBe(3);
    await addColumn(p);
    await p.query('alter table {schema}.src_customers delete where id = 3 settings mutations_sync = 2');
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await rowCount(p)).toBe(6);
  });
});
