import type { FaultCase } from './harness.js';

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

const table = (n: number, extra = '') => `{{ config(materialized='table', order_by='x') }}\nselect number as x, toString(number * ${n}) as s${extra} from numbers(${n})`;

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
    inc('incremental: delete+insert, partitioned', incremental(`unique_key='id', ${partitioned}`)),
    inc('incremental: insert_overwrite', incremental(`incremental_strategy='insert_overwrite', ${partitioned}`, 'id, d, v', "where d >= '2024-02-01'")),
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
    {
      name: 'seed: reload',
      files: { 'seeds/people.csv': 'id,name\n1,ann\n2,bob\n' },
      changedFiles: { 'seeds/people.csv': 'id,name,age\n1,ann,30\n3,cid,40\n' },
      command: 'seed',
      targets: ['people'],
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
  ];
}
