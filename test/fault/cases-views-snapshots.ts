import type { FaultCase } from './harness.js';

/*
 * Fault cases for write paths landed after the harness's first rows (run with the ClickHouse-native ones, embedded):
 * a materialized view's build over many partitions under a low max_query_size (its ATTACH lists sized:
 * partition-replace.ts attachPartitionsFrom), a table model kept for a materialized view of dbt's that still writes
 * into it (mv/dbt-views-into.ts), and a snapshot's first build filled by a project's clickhouse__insert_into.
 */

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';
const EVENTS = 'CREATE TABLE $.events (id UInt32, d Date, v String) ENGINE = MergeTree ORDER BY id';
const OLD_ROWS = "INSERT INTO $.events VALUES (1, '2024-01-05', 'a'), (2, '2024-01-20', 'b'), (3, '2024-02-03', 'c'), (4, '2024-03-01', 'd')";
const LATE_ROW = "INSERT INTO $.events VALUES (5, '2024-03-15', 'e')";
/** Rows inserted right after the (faulted) run: they must reach the targets through the views in place, old or new. */
const PROBE = ["INSERT INTO $.events VALUES (6, '2024-03-16', 'f')"];
const mv = (select: string, config: string) => `{{ config(materialized='materialized_view', ${config}) }}\n${select}`;

/* A string partition key, one partition a row (32-character partition ids), under a 16 KiB profile max_query_size: one ATTACH list of 250 partitions passes it. */
const PARTITIONS = 250;
const KEYED_EVENTS = 'CREATE TABLE $.events (id UInt32, k String) ENGINE = MergeTree PARTITION BY k ORDER BY id';
const keyedRows = (from: number, n: number) =>
  `INSERT INTO $.events SELECT toUInt32(number + ${from}), concat('k', toString(number + ${from})) FROM numbers(${n}) SETTINGS max_partitions_per_insert_block = 0`;

/*
 * A table model a view of dbt's writes into, the project no longer pointing that view there (its model now has a target
 * of its own, not run): a run of the table keeps it (dbt-views-into.ts), here with a new column (mv_on_schema_change).
 */
const ACTIVITY = "{{ config(materialized='table', order_by='id') }}\nselect toUInt32(0) as id, '' as v, '' as src where 0";
const ACTIVITY_NEW_COLUMN = "{{ config(materialized='table', order_by='id', mv_on_schema_change='append_new_columns') }}\nselect toUInt32(0) as id, '' as v, '' as src, toUInt8(0) as n where 0";
const EVENTS_INTO_ACTIVITY = mv("select id, v, 'events' as src from {{ source('raw', 'events') }}", "target=ref('activity')");
const EVENTS_OWN_TARGET = mv("select id, v, 'events' as src from {{ source('raw', 'events') }}", "order_by='id'");

/*
 * A snapshot's first build: the project's clickhouse__insert_into fills the staged table (rows as given: a later run of
 * the snapshot, the harness's rerun, then changes nothing); its time fixed, so that each run gives the same rows.
 */
const INSERT_INTO = `{% macro clickhouse__insert_into(target_relation, sql, has_contract, use_columns_from_sql=False) %}
  insert into {{ target_relation }} select * from ({{ sql }})
{% endmacro %}
{% macro snapshot_get_time() %}toDateTime64('2024-06-01 00:00:00', 6){% endmacro %}
`;
const SNAPSHOT = "{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols=['v']) }}\nselect id, d, v from {{ source('raw', 'events') }}\n{% endsnapshot %}\n";

export function viewAndSnapshotCases(): FaultCase[] {
  return [
    {
      name: `materialized view: first build over ${PARTITIONS} partitions (ATTACH lists sized)`,
      files: { 'models/sources.yml': SOURCES },
      changedFiles: { 'models/copy.sql': mv("select id, k from {{ source('raw', 'events') }}", "order_by='id', partition_by='k'") },
      setup: [KEYED_EVENTS, keyedRows(0, PARTITIONS)],
      change: [keyedRows(PARTITIONS, 1)],
      probe: [keyedRows(PARTITIONS + 1, 1)],
      targets: ['copy'],
      settings: { max_query_size: 16_384, max_partitions_per_insert_block: 0 },
      ks: 'writes',
      on: ['embedded'],
    },
    {
      // The table keeps the rows the view wrote (its SELECT has none) and gets the column; the view still writes into it.
      name: "table model a view of dbt's still writes into: kept, a column added",
      files: { 'models/sources.yml': SOURCES, 'models/activity.sql': ACTIVITY, 'models/events_mv.sql': EVENTS_INTO_ACTIVITY },
      changedFiles: { 'models/activity.sql': ACTIVITY_NEW_COLUMN, 'models/events_mv.sql': EVENTS_OWN_TARGET },
      setup: [EVENTS, OLD_ROWS],
      change: [LATE_ROW],
      probe: PROBE,
      targets: ['activity'],
      options: { select: ['activity'] },
      on: ['embedded'],
    },
    {
      name: "snapshot: first build filled by a project's clickhouse__insert_into",
      files: { 'models/sources.yml': SOURCES, 'macros/overrides.sql': INSERT_INTO, 'models/other.sql': "{{ config(materialized='view') }}\nselect 1 as x" },
      changedFiles: { 'snapshots/snap.sql': SNAPSHOT },
      setup: [EVENTS, OLD_ROWS],
      command: 'build',
      targets: ['snap'],
      on: ['embedded'],
    },
  ];
}
