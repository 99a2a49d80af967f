import { viewAndSnapshotCases } from './cases-views-snapshots.js';
import type { FaultCase, Writer } from './harness.js';

/*
 * The harness's table of cases: one row per materialization path. A new materialization (snapshot,
 * materialized view, dictionary…) adds its rows here; `on` limits a row to the warehouses that
 * support it.
 */

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';
const EVENTS = 'CREATE TABLE $.events (id UInt32, d Date, v String) ENGINE = MergeTree ORDER BY id';
const OLD_ROWS = "INSERT INTO $.events VALUES (1, '2024-01-05', 'a'), (2, '2024-01-20', 'b'), (3, '2024-02-03', 'c'), (4, '2024-03-01', 'd')";
/** New rows: keys 2 and 3 change (3 moves from February to March), key 5 is new. (No mutation: 18.x would run it in the background.) */
const CHANGE = [
  'DROP TABLE $.events',
  EVENTS,
  "INSERT INTO $.events VALUES (1, '2024-01-05', 'a'), (2, '2024-01-21', 'B'), (3, '2024-03-09', 'C'), (4, '2024-03-01', 'd'), (5, '2024-03-15', 'e')",
];

const incremental = (config: string, columns = 'id, d, v', filter = 'where id >= 2') =>
  `{{ config(materialized='incremental', ${config}) }}\nselect ${columns} from {{ source('raw', 'events') }}\n{% if is_incremental() %}${filter}{% endif %}`;

/** Custom incremental strategies: new keys only (one INSERT), and dbt's delete+insert as two statements. */
const CUSTOM_STRATEGIES = `
{% macro get_incremental_new_keys_sql(arg_dict) %}
  {%- set cols = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
  insert into {{ arg_dict['target_relation'] }} ({{ cols }})
  select {{ cols }} from {{ arg_dict['temp_relation'] }} where id not in (select id from {{ arg_dict['target_relation'] }})
{% endmacro %}
{% macro get_incremental_upsert_sql(arg_dict) %}
  {%- set cols = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
  delete from {{ arg_dict['target_relation'] }} where id in (select id from {{ arg_dict['temp_relation'] }});
  insert into {{ arg_dict['target_relation'] }} ({{ cols }}) select {{ cols }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}
`;
const withStrategies = (c: FaultCase): FaultCase => ({ ...c, files: { ...c.files, 'macros/strategies.sql': CUSTOM_STRATEGIES } });

/** A project's own version of dbt-clickhouse's clickhouse__incremental_delete_insert (two statements: DELETE, then INSERT). */
const CLICKHOUSE_OVERRIDE = `
{% macro clickhouse__incremental_delete_insert(existing_relation, unique_key, incremental_predicates, is_distributed=False) %}
  {% call statement('delete_existing_data') %}
    delete from {{ existing_relation }} where ({{ unique_key }}) in (select {{ unique_key }} from ({{ sql }}))
  {% endcall %}
  {% call statement('insert_new_data') %}
    insert into {{ existing_relation }} select * from ({{ sql }})
  {% endcall %}
{% endmacro %}
`;
const withOverride = (c: FaultCase): FaultCase => ({ ...c, files: { ...c.files, 'macros/overrides.sql': CLICKHOUSE_OVERRIDE } });

/*
 * Paths where another writer's rows must survive the command: the counted copy of a table without block numbers
 * (copy-count.ts: a Log table), the carry after a rebuild's swap (copy-carry.ts: one INSERT done once on servers before
 * 20.x — carryOnce —, partition moves elsewhere), statements naming each of many partitions (statement-settings.ts
 * fitQuerySize). The writer acts at a statement of the run (harness.ts Writer).
 */
const LATE = "(0, '2024-03-20', 'w')";
/** A row INSERTed into the table itself while its copy is made: the count moves, the copy is made again (copy-count.ts). */
const duringCopy = (copy: RegExp): Writer => ({ at: copy, sql: [`INSERT INTO $.inc (id, d, v) VALUES ${LATE}`], asIf: [`INSERT INTO $.inc (id, d, v) VALUES ${LATE}`] });
/** The rebuild's swap: a RENAME leaving the old table as the backup (18.x), or the EXCHANGE leaving it under the copy's name. */
const SWAP = /^\s*(?:RENAME TABLE `[^`]+`\.`inc` TO `[^`]+`\.`(inc__tsdbt_backup_\w+)`|EXCHANGE TABLES `[^`]+`\.`(inc__tsdbt_tmp_\w+__new)`)/;
/** An INSERT that had bound the old table commits after the swap: carried into the new one after it. */
const boundBeforeSwap: Writer = { at: SWAP, sql: [`INSERT INTO \`$\`.\`{1}\` (id, d, v) VALUES ${LATE}`], asIf: [`INSERT INTO $.inc (id, d, v) VALUES ${LATE}`] };

/* Many partitions (a string key: 32-character partition ids) under a 16 KiB profile max_query_size: the statements naming each partition pass it. */
const MANY = 450;
const MANY_SETTINGS = { max_query_size: 16_384, max_partitions_per_insert_block: 0 };
const MANY_EVENTS = 'CREATE TABLE $.events (id UInt32, d Date, v String) ENGINE = MergeTree ORDER BY id';
const manyRows = (v: string, extra = 0) =>
  `INSERT INTO $.events SELECT toUInt32(number), toDate('2024-01-01') + number, '${v}' FROM numbers(${MANY + extra}) SETTINGS max_partitions_per_insert_block = 0`;
const MANY_CHANGE = ['DROP TABLE $.events', MANY_EVENTS, manyRows('new', 1)];
const PER_DAY = "partition_by='toString(d)', order_by='id'";

const DOCS_YML = 'version: 2\nmodels:\n  - name: t\n    description: the numbers\n    columns:\n      - name: x\n        description: a number\n';

const table = (n: number, extra = '') => `{{ config(materialized='table', order_by='x') }}\nselect number as x, toString(number * ${n}) as s${extra} from numbers(${n})`;

/* Materialized views: `events` feeds them; rows inserted after the first build reach the targets through the views. */
const MV_SOURCES = SOURCES.replace('      - name: events\n', '      - name: events\n      - name: clicks\n');
const CLICKS = 'CREATE TABLE $.clicks (id UInt32, d Date, v String) ENGINE = MergeTree ORDER BY id';
const mv = (select: string, config = "order_by='id'") => `{{ config(materialized='materialized_view', ${config}) }}\n${select}`;
const MV_V1 = "select id, v from {{ source('raw', 'events') }}";
const MV_V2 = "select id, v, upper(v) as w from {{ source('raw', 'events') }}";
const LATE_ROW = "INSERT INTO $.events VALUES (5, '2024-03-15', 'e')";
/** Rows inserted right after the (faulted) run: they must reach the target through the views in place, old or new. */
const PROBE = ["INSERT INTO $.events VALUES (6, '2024-03-16', 'f')"];
const ACTIVITY = "{{ config(materialized='table', order_by='id') }}\nselect toUInt32(0) as id, '' as v, '' as src where 0";
const feeds = (table: string) => mv(`select id, v, '${table}' as src from {{ source('raw', '${table}') }}`, "target=ref('activity')");
const dictionary = (select: string) => `{{ config(materialized='dictionary') }}\n${select}`;

/* Microbatch (dbt 1.9): yearly batches from 2020, rows dated relative to now; an incremental run covers last year and this one. */
const MB_SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n        config:\n          event_time: ts\n';
const MB_EVENTS = 'CREATE TABLE $.events (id UInt32, ts DateTime, v String) ENGINE = MergeTree ORDER BY id';
const MB_ROWS =
  "INSERT INTO $.events VALUES (1, '2020-06-01 00:00:00', 'a'), (2, toDateTime(toStartOfYear(now())) - INTERVAL 40 DAY, 'b'), (3, toDateTime(toStartOfYear(now())) + INTERVAL 1 DAY, 'c'), (4, toDateTime(toStartOfYear(now())) + INTERVAL 2 DAY, 'd')";
/** This year's batch changes (a row arrives); last year's batch is replaced by the same rows. */
const MB_CHANGE = ["INSERT INTO $.events VALUES (5, toDateTime(toStartOfYear(now())) + INTERVAL 3 DAY, 'e')"];
const microbatch = (extra = '') =>
  `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='year', begin='2020-01-01', order_by='id'${extra}) }}\nselect id, ts, v from {{ source('raw', 'events') }}`;

/** Cases of the ClickHouse-native materializations (materialized views, dictionaries, microbatch); `on` where the server lacks them. */
export function nativeCases(): FaultCase[] {
  const copy = (name: string, before: string | undefined, after: string, extra: Partial<FaultCase> = {}): FaultCase => ({
    name,
    files: { 'models/sources.yml': MV_SOURCES, ...(before ? { 'models/copy.sql': before } : {}) },
    changedFiles: { 'models/copy.sql': after },
    setup: [EVENTS, CLICKS, OLD_ROWS],
    change: [LATE_ROW],
    probe: PROBE,
    targets: ['copy'],
    ...extra,
  });
  return [
    copy('materialized view: first build (backfill)', undefined, mv(MV_V1)),
    // on_schema_change='rebuild' asks for it: a normal run otherwise keeps the table (new columns ignored).
    copy('materialized view: rebuild for new columns', mv(MV_V1), mv(MV_V2, "order_by='id', on_schema_change='rebuild'"), { on: ['embedded'] }),
    // (A new query with the same columns is one ALTER … MODIFY QUERY: nothing to fault between statements.)
    {
      name: 'materialized view into a table model: a view added with catchup',
      files: { 'models/sources.yml': MV_SOURCES, 'models/activity.sql': ACTIVITY, 'models/events_mv.sql': feeds('events') },
      changedFiles: { 'models/clicks_mv.sql': feeds('clicks') },
      setup: [EVENTS, CLICKS, OLD_ROWS, "INSERT INTO $.clicks VALUES (7, '2024-01-07', 'x'), (8, '2024-01-08', 'y')"],
      change: [LATE_ROW],
      probe: [...PROBE, "INSERT INTO $.clicks VALUES (9, '2024-01-09', 'z')"],
      targets: ['activity'],
      on: ['embedded'],
    },
    {
      // The old view's source keeps nothing (a Null ingest table): its rows exist only in the target, which must keep them.
      name: 'materialized view into a table model: a view added with catchup beside a view over a Null source',
      files: { 'models/sources.yml': MV_SOURCES + '      - name: ingest\n', 'models/activity.sql': ACTIVITY, 'models/ingest_mv.sql': feeds('ingest') },
      changedFiles: { 'models/clicks_mv.sql': feeds('clicks') },
      setup: [EVENTS, CLICKS, 'CREATE TABLE $.ingest (id UInt32, d Date, v String) ENGINE = Null', "INSERT INTO $.clicks VALUES (7, '2024-01-07', 'x'), (8, '2024-01-08', 'y')"],
      change: ["INSERT INTO $.ingest VALUES (1, '2024-01-05', 'a'), (2, '2024-01-20', 'b')"],
      probe: ["INSERT INTO $.ingest VALUES (3, '2024-02-03', 'c')", "INSERT INTO $.clicks VALUES (9, '2024-01-09', 'z')"],
      targets: ['activity'],
      on: ['embedded'],
    },
    {
      // Only the one view is selected: the target is recomputed from both views' sources (each keeps every row), its history in the new SQL.
      name: 'materialized view into a table model: --full-refresh of one view',
      files: { 'models/sources.yml': MV_SOURCES, 'models/activity.sql': ACTIVITY, 'models/events_mv.sql': feeds('events'), 'models/clicks_mv.sql': feeds('clicks') },
      changedFiles: { 'models/events_mv.sql': feeds('events').replace('select id, v,', 'select id, upper(v) as v,') },
      setup: [EVENTS, CLICKS, OLD_ROWS, "INSERT INTO $.clicks VALUES (7, '2024-01-07', 'x'), (8, '2024-01-08', 'y')"],
      change: [LATE_ROW],
      probe: [...PROBE, "INSERT INTO $.clicks VALUES (9, '2024-01-09', 'z')"],
      targets: ['activity'],
      options: { fullRefresh: true, select: ['events_mv'] },
      ks: 'writes',
      on: ['embedded'],
    },
    {
      // The view's rows are computed beside its target, then the table and the target each get theirs by one ATTACH (append-through-views.ts).
      name: 'incremental: append into a table a materialized view reads',
      files: { 'models/sources.yml': SOURCES, 'models/inc.sql': incremental("order_by='id'", 'id, d, v', 'where id > (select max(id) from {{ this }})') },
      setup: [EVENTS, OLD_ROWS],
      change: [...CHANGE, 'CREATE TABLE $.seen (id UInt32, v String) ENGINE = MergeTree ORDER BY id', 'CREATE MATERIALIZED VIEW $.seen_mv TO $.seen AS SELECT id, v FROM $.inc'],
      targets: ['inc', 'seen'],
      on: ['embedded'],
    },
    {
      // The seed's rows replace the kept table's, and the view's rows of them, computed beside its target, are moved in
      // (append-through-views.ts replaceThroughViews): dbt-clickhouse's TRUNCATE + INSERT result. Partitioned: partition
      // 'bob' emptied, 'cid' and 'dan' new. A reload feeds the view every row again (as dbt-clickhouse's INSERT does): the
      // view takes new keys only, so the harness's clean rerun converges.
      name: 'seed: reload into a seed a materialized view reads',
      files: { 'project.yml': 'name: fault\nprofile: fault\nseeds:\n  +partition_by: name\n  +order_by: id\n', 'seeds/people.csv': 'id,name\n1,ann\n2,bob\n' },
      changedFiles: { 'seeds/people.csv': 'id,name\n1,ann\n3,cid\n4,dan\n' },
      command: 'seed',
      change: ['CREATE TABLE $.seen (id Int32, name String) ENGINE = MergeTree ORDER BY id', 'CREATE MATERIALIZED VIEW $.seen_mv TO $.seen AS SELECT id, upper(name) AS name FROM $.people WHERE id NOT IN (SELECT id FROM $.seen)'],
      targets: ['people', 'seen'],
      on: ['embedded'],
    },
    {
      name: 'refreshable view: rebuild for new columns',
      files: { 'models/sources.yml': MV_SOURCES, 'models/counts.sql': mv("select v, count() as n from {{ source('raw', 'events') }} group by v", "order_by='v', refresh='EVERY 1 HOUR'") },
      changedFiles: { 'models/counts.sql': mv("select v, count() as n, min(id) as first from {{ source('raw', 'events') }} group by v", "order_by='v', refresh='EVERY 1 HOUR'") },
      setup: [EVENTS, OLD_ROWS],
      targets: ['counts'],
      on: ['embedded'],
    },
    {
      name: 'dictionary: first build',
      files: { 'models/other.sql': dictionary("select number as id, 'a' as v from numbers(3)") },
      changedFiles: { 'models/d.sql': dictionary("select number as id, 'a' as v from numbers(3)") },
      targets: ['d'],
      on: ['embedded'],
    },
    {
      name: 'dictionary: rebuild (CREATE OR REPLACE)',
      files: { 'models/d.sql': dictionary("select number as id, 'a' as v from numbers(3)") },
      changedFiles: { 'models/d.sql': dictionary("select number as id, 'b' as v, number * 2 as w from numbers(5)") },
      targets: ['d'],
      on: ['embedded'],
    },
    {
      // Batches one by one into a staged table (a failed attempt's parts dropped before it is tried again), swapped in at the end.
      name: 'microbatch: first build',
      files: { 'models/sources.yml': MB_SOURCES },
      changedFiles: { 'models/mb.sql': microbatch(", partition_by='toYYYYMM(ts)'") },
      setup: [MB_EVENTS, MB_ROWS],
      targets: ['mb'],
      ks: 'writes',
      on: ['embedded'],
    },
    {
      name: 'microbatch: --full-refresh',
      files: { 'models/sources.yml': MB_SOURCES, 'models/mb.sql': microbatch() },
      changedFiles: { 'models/mb.sql': microbatch().replace('select id, ts, v from', 'select id, ts, upper(v) as v from') },
      setup: [MB_EVENTS, MB_ROWS],
      change: MB_CHANGE,
      targets: ['mb'],
      options: { fullRefresh: true },
      ks: 'writes',
      on: ['embedded'],
    },
    ...[
      ['microbatch: incremental, partitioned by month', ", partition_by='toYYYYMM(ts)'"],
      ['microbatch: incremental, unpartitioned', ''],
    ].map(
      ([name, extra]): FaultCase => ({
        name: name!,
        files: { 'models/sources.yml': MB_SOURCES, 'models/mb.sql': microbatch(extra) },
        setup: [MB_EVENTS, MB_ROWS],
        change: MB_CHANGE,
        targets: ['mb'],
        on: ['embedded'],
      }),
    ),
    ...viewAndSnapshotCases(),
  ];
}

/** Cases every warehouse runs. */
export function faultCases(): FaultCase[] {
  const change = CHANGE;
  const inc = (name: string, model: string, changed?: string, options?: FaultCase['options']): FaultCase => ({
    name,
    files: { 'models/sources.yml': SOURCES, 'models/inc.sql': model },
    changedFiles: changed ? { 'models/inc.sql': changed } : undefined,
    setup: [EVENTS, OLD_ROWS],
    change,
    targets: ['inc'],
    options,
  });
  const partitioned = "partition_by='toYYYYMM(d)', order_by='id'";
  return [
    { name: 'table: rebuild', files: { 'models/t.sql': table(3) }, changedFiles: { 'models/t.sql': table(5, ", 'x' as extra") }, targets: ['t'] },
    { name: 'table: first build', files: { 'models/other.sql': table(1) }, changedFiles: { 'models/t.sql': table(4) }, targets: ['t'] },
    {
      // persist_docs: the COMMENT statements after the swap (a failure there leaves the new rows in place)
      name: 'table: rebuild, persist_docs',
      files: { 'models/t.sql': table(3), 'models/docs.yml': DOCS_YML },
      changedFiles: { 'models/t.sql': table(5, ", 'x' as extra").replace("order_by='x'", "order_by='x', persist_docs={'relation': true, 'columns': true}") },
      targets: ['t'],
    },
    {
      name: 'view: replace',
      files: { 'models/v.sql': "{{ config(materialized='view') }}\nselect 1 as x" },
      changedFiles: { 'models/v.sql': "{{ config(materialized='view') }}\nselect 2 as x, 'y' as y" },
      targets: ['v'],
    },
    {
      name: 'view -> table',
      files: { 'models/m.sql': "{{ config(materialized='view') }}\nselect 1 as x" },
      changedFiles: { 'models/m.sql': table(2) },
      targets: ['m'],
    },
    {
      name: 'table -> view',
      files: { 'models/m.sql': table(2) },
      changedFiles: { 'models/m.sql': "{{ config(materialized='view') }}\nselect 7 as x" },
      targets: ['m'],
    },
    {
      name: 'incremental: first build',
      files: { 'models/sources.yml': SOURCES },
      changedFiles: { 'models/inc.sql': incremental("unique_key='id', order_by='id'") },
      setup: [EVENTS, OLD_ROWS],
      targets: ['inc'],
    },
    inc('incremental: append', incremental("order_by='id'", 'id, d, v', 'where id > (select max(id) from {{ this }})')),
    inc('incremental: delete+insert', incremental("unique_key='id', order_by='id'")),
    inc('incremental: merge', incremental("incremental_strategy='merge', unique_key='id', order_by='id'")),
    inc('incremental: delete+insert, partitioned', incremental(`unique_key='id', ${partitioned}`)),
    inc('incremental: insert_overwrite', incremental(`incremental_strategy='insert_overwrite', ${partitioned}`, 'id, d, v', "where d >= '2024-02-01'")),
    // A partition new to the table (April) is MOVEd in beside the REPLACEd ones (partition-replace.ts).
    ...[
      ['incremental: insert_overwrite, a new partition', `incremental_strategy='insert_overwrite', ${partitioned}`, "where d >= '2024-02-01'"],
      ['incremental: delete+insert, partitioned, a new partition', `unique_key='id', ${partitioned}`, undefined],
    ].map(([name, config, filter]): FaultCase => ({
      ...inc(name!, incremental(config!, 'id, d, v', filter)),
      change: [...CHANGE.slice(0, 2), CHANGE[2]!.replace("(5, '2024-03-15', 'e')", "(5, '2024-03-15', 'e'), (6, '2024-04-02', 'f')")],
    })),
    inc('incremental: --full-refresh', incremental("unique_key='id', order_by='id'"), undefined, { fullRefresh: true }),
    ...(['append_new_columns', 'sync_all_columns'] as const).flatMap((mode) => [
      inc(
        `incremental: append, ${mode}`,
        incremental(`order_by='id', on_schema_change='${mode}'`, 'id, d, v', 'where id > (select max(id) from {{ this }})'),
        incremental(`order_by='id', on_schema_change='${mode}'`, 'id, d, upper(v) as w', 'where id > (select max(id) from {{ this }})'),
      ),
      inc(
        `incremental: delete+insert, ${mode}`,
        incremental(`unique_key='id', order_by='id', on_schema_change='${mode}'`, 'id, d, v, toUInt8(id) as n'),
        incremental(`unique_key='id', order_by='id', on_schema_change='${mode}'`, 'id, d, toUInt32(id) * 1000 as n, upper(v) as w'),
      ),
      inc(
        `incremental: insert_overwrite, ${mode}`,
        incremental(`incremental_strategy='insert_overwrite', ${partitioned}, on_schema_change='${mode}'`, 'id, d, v', "where d >= '2024-02-01'"),
        incremental(`incremental_strategy='insert_overwrite', ${partitioned}, on_schema_change='${mode}'`, 'id, d, upper(v) as w', "where d >= '2024-02-01'"),
      ),
    ]),
    inc(
      'incremental: delete+insert, ignore (a column added)',
      incremental("unique_key='id', order_by='id'"),
      incremental("unique_key='id', order_by='id'", 'id, d, v, upper(v) as w'),
    ),
    // A custom strategy (the project's get_incremental_<name>_sql): its statements run on a copy of the table, swapped in.
    // ClickHouse's DELETE FROM (lightweight delete): not on 18.x
    { ...withStrategies(inc('incremental: custom strategy (DELETE then INSERT), partitioned', incremental(`incremental_strategy='upsert', ${partitioned}`))), on: ['embedded'] },
    // A project's clickhouse__incremental_delete_insert (dbt-clickhouse calls it by name): on a copy of the table, swapped in.
    { ...withOverride(inc("incremental: a project's clickhouse__incremental_delete_insert, partitioned", incremental(`incremental_strategy='delete+insert', unique_key='id', ${partitioned}`))), on: ['embedded'] },
    // A Log table (no parts, no block numbers): a custom strategy's copy and the whole-table rebuild are made at a count of its rows.
    {
      ...withStrategies(inc('incremental: custom strategy on a Log table (counted copy), a row inserted during the copy', incremental("incremental_strategy='new_keys', engine='Log'"))),
      writer: duringCopy(/^\s*INSERT INTO `[^`]+`\.`inc__tsdbt_tmp_\w+__work` SELECT \* FROM `[^`]+`\.`inc`\s*$/),
      parts: 2,
      on: ['embedded'],
    },
    {
      ...inc('incremental: a Log table rebuilt whole (counted copy), a row inserted during the copy', incremental("engine='Log'", 'id, d, v', 'where id > (select max(id) from {{ this }})')),
      writer: duringCopy(/^\s*INSERT INTO `[^`]+`\.`inc__tsdbt_tmp_\w+__new` \([^)]*\) SELECT [^]*? FROM `[^`]+`\.`inc`\s*$/),
      parts: 2,
      on: ['embedded'],
    },
    // The rebuild for a new column; an INSERT that had bound the old table commits right after the swap: carried once (18.x: one INSERT, carryOnce).
    {
      ...inc(
        'incremental: rebuild for a new column, a row committed into the old table after the swap (carried)',
        incremental(`unique_key='id', ${partitioned}, on_schema_change='sync_all_columns'`),
        incremental(`unique_key='id', ${partitioned}, on_schema_change='sync_all_columns'`, 'id, d, v, upper(v) as w'),
      ),
      writer: boundBeforeSwap,
      parts: 2,
    },
    {
      name: `incremental: insert_overwrite of ${MANY} partitions (statements sized)`,
      files: { 'models/sources.yml': SOURCES, 'models/inc.sql': incremental(`incremental_strategy='insert_overwrite', ${PER_DAY}`, 'id, d, v', 'where 1') },
      setup: [MANY_EVENTS, manyRows('old')],
      change: MANY_CHANGE,
      targets: ['inc'],
      settings: MANY_SETTINGS,
      ks: 'writes',
      parts: 2,
      on: ['embedded'],
    },
    {
      // The copy's cut and the carry name every partition: rows another writer put into each after the copy are carried.
      name: `incremental: rebuild for a new column over ${MANY} partitions, rows inserted into each during it (statements sized)`,
      files: { 'models/sources.yml': SOURCES, 'models/inc.sql': incremental(`unique_key='id', ${PER_DAY}, on_schema_change='sync_all_columns'`) },
      changedFiles: { 'models/inc.sql': incremental(`unique_key='id', ${PER_DAY}, on_schema_change='sync_all_columns'`, 'id, d, v, upper(v) as w') },
      setup: [MANY_EVENTS, manyRows('old')],
      change: MANY_CHANGE,
      targets: ['inc'],
      settings: MANY_SETTINGS,
      writer: {
        at: /^\s*INSERT INTO `[^`]+`\.`inc__tsdbt_tmp_\w+__new` \([^)]*\) SELECT [^]*? FROM `[^`]+`\.`inc` WHERE/,
        sql: [`INSERT INTO $.inc (id, d, v) SELECT toUInt32(number + 100000), toDate('2024-01-01') + number, 'w' FROM numbers(${MANY}) SETTINGS max_partitions_per_insert_block = 0`],
        asIf: [`INSERT INTO $.inc (id, d, v) SELECT toUInt32(number + 100000), toDate('2024-01-01') + number, 'w' FROM numbers(${MANY}) SETTINGS max_partitions_per_insert_block = 0`],
      },
      ks: 'writes',
      parts: 2,
      on: ['embedded'],
    },
    {
      name: 'seed: reload',
      files: { 'seeds/people.csv': 'id,name\n1,ann\n2,bob\n' },
      changedFiles: { 'seeds/people.csv': 'id,name,age\n1,ann,30\n3,cid,40\n' },
      command: 'seed',
      targets: ['people'],
    },
    {
      name: 'seed: --full-refresh',
      files: { 'seeds/people.csv': 'id,name\n1,ann\n2,bob\n' },
      changedFiles: { 'seeds/people.csv': 'id,name,age\n1,ann,30.5\n3,cid,40\n' },
      command: 'seed',
      targets: ['people'],
      options: { fullRefresh: true },
    },
    {
      name: 'source load: reload',
      files: {
        'models/sources.yml':
          'version: 2\nsources:\n  - name: ext\n    schema: "{{ target.schema }}"\n    tables:\n      - name: people\n        external: {location: data/people.csv}\n        columns: [{name: id, data_type: UInt32}, {name: name, data_type: String}]\n',
        'data/people.csv': 'id,name\n1,ann\n2,bob\n',
      },
      changedFiles: { 'data/people.csv': 'id,name\n1,ann\n3,cid\n4,dan\n' },
      command: 'source load',
      targets: ['people'],
    },
    ...nativeCases(),
  ];
}
