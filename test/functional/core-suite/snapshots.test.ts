import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/snapshots/ (branch 1.10.latest), ported as written where ClickHouse
 * allows: test_check_cols_snapshot.py, test_renamed_source_snapshot.py,
 * test_changing_check_cols_snapshot.py, test_snapshot_column_names.py, test_hard_delete_snapshot.py.
 * ClickHouse: Postgres's seed_*.sql files become a CREATE TABLE + INSERT of the same shape,
 * `::timestamp` casts become toDateTime64, `{{target.database}}.{{target.schema}}.seed` is
 * `{{ target.schema }}.seed` (no three-part names; dbt-clickhouse's target.database is ''), `update … set` becomes ALTER TABLE … UPDATE.
 */

const CHECK_COLS_CYCLE = `
{% snapshot check_cols_cycle %}
    {{ config(target_database=database, target_schema=schema, unique_key='id', strategy='check', check_cols=['color']) }}
    {% if var('version') == 1 %}
        select 1 as id, 'red' as color union all
        select 2 as id, 'green' as color
    {% elif var('version') == 2 %}
        select 1 as id, 'blue' as color union all
        select 2 as id, 'green' as color
    {% elif var('version') == 3 %}
        select 1 as id, 'red' as color union all
        select 2 as id, 'pink' as color
    {% else %}
        {% do exceptions.raise_compiler_error("Got bad version: " ~ var('version')) %}
    {% endif %}
{% endsnapshot %}
`;
const CHECK_COLS_TEST = `
with query as (
    select case when (select count(*) from {{ ref('check_cols_cycle') }} where id = 1 and color = 'red' and dbt_valid_to is null) = 1 then 0 else 1 end as failures
    union all
    select case when (select count(*) from {{ ref('check_cols_cycle') }} where id = 1 and color = 'red' and dbt_valid_to is not null) = 1 then 0 else 1 end as failures
    union all
    select case when (select count(*) from {{ ref('check_cols_cycle') }} where id = 2 and color = 'pink' and dbt_valid_to is null) = 1 then 0 else 1 end as failures
    union all
    select case when (select count(*) from {{ ref('check_cols_cycle') }} where id = 2 and color = 'green' and dbt_valid_to is not null) = 1 then 0 else 1 end as failures
    union all
    select case when (select count(*) from {{ ref('check_cols_cycle') }}) = 5 then 0 else 1 end as failures
)
select * from query where failures = 1
`;

const CHECK_ALL = `
{% snapshot my_snapshot %}
    {{ config(check_cols='all', unique_key='id', strategy='check', target_database=database, target_schema=schema) }}
    select * from {{ ref(var('seed_name', 'seed')) }}
{% endsnapshot %}
`;

const NEW_COLUMN = `
{% snapshot snapshot_check_cols_new_column %}
    {{
        config(
            target_database=database,
            target_schema=schema,
            strategy='check',
            unique_key='id',
            check_cols=var("check_cols", ['name']),
            updated_at="toDateTime64('" ~ var("updated_at") ~ "', 6)",
        )
    }}
    {% if var('version') == 1 %}
        select 1 as id, 'foo' as name
    {% else %}
        select 1 as id, 'foo' as name, 'bar' as other
    {% endif %}
{% endsnapshot %}
`;

const SEED_CN = (schema: string) => [
  `CREATE TABLE ${schema}.seed (id Int32, first_name String, last_name String, email String, gender String, ip_address String, updated_at DateTime64(6)) ENGINE = MergeTree ORDER BY id`,
  `INSERT INTO ${schema}.seed SELECT toInt32(number), concat('first', toString(number)), concat('last', toString(number)), concat('e', toString(number), '@x.org'), if(number % 2 = 0, 'Female', 'Male'), '1.2.3.4', toDateTime64('2015-12-24 12:19:28', 6) + toIntervalHour(number) FROM numbers(1, 20)`,
];

const COLUMN_NAMES_SNAPSHOT = `
{% snapshot snapshot_actual %}
    {{ config(unique_key='id || ' ~ "'-'" ~ ' || first_name') }}
    select * from {{ target.schema }}.seed
{% endsnapshot %}
`;

const HARD_DELETE_SNAPSHOT = `
{% snapshot snapshot_actual %}
    {{ config(target_database=var('target_database', database), target_schema=var('target_schema', schema),
              unique_key='id || ' ~ "'-'" ~ ' || first_name', strategy='timestamp', updated_at='updated_at',
              invalidate_hard_deletes=var('invalidate_hard_deletes', 'false')) }}
    select * from {{ target.schema }}.seed
{% endsnapshot %}
`;

const CHECK_COLS_UPDATED_AT = `
{% snapshot snapshot_check_cols_updated_at_actual %}
    {{ config(target_database=database, target_schema=schema, unique_key='id', strategy='check', check_cols='all',
              updated_at="toDateTime64('" ~ var("updated_at") ~ "', 6)") }}
    {% if var('version') == 1 %}
        select 'a' as id, 10 as counter, toDateTime64('2016-01-01 00:00:00', 6) as timestamp_col union all
        select 'b' as id, 20 as counter, toDateTime64('2016-01-01 00:00:00', 6) as timestamp_col
    {% elif var('version') == 2 %}
        select 'a' as id, 30 as counter, toDateTime64('2016-01-02 00:00:00', 6) as timestamp_col union all
        select 'b' as id, 20 as counter, toDateTime64('2016-01-01 00:00:00', 6) as timestamp_col union all
        select 'c' as id, 40 as counter, toDateTime64('2016-01-02 00:00:00', 6) as timestamp_col
    {% else %}
        select 'a' as id, 30 as counter, toDateTime64('2016-01-02 00:00:00', 6) as timestamp_col union all
        select 'c' as id, 40 as counter, toDateTime64('2016-01-02 00:00:00', 6) as timestamp_col
    {% endif %}
{% endsnapshot %}
`;

const CHANGING_STRATEGY = `
{% snapshot my_snapshot %}
    {{ config(target_schema=schema, unique_key='id') }}
    {% if var('strategy') == 'timestamp' %}
        {{ config(strategy='timestamp', updated_at='updated_at') }}
    {% else %}
        {{ config(strategy='check', check_cols=['color']) }}
    {% endif %}
    {% if var('step') == 1 %}
        select 1 as id, 'blue' as color
        union all
        select 2 as id, 'red' as color
    {% elif var('step') == 2 %}
        -- change id=1 color from blue to green
        select 1 as id, 'green' as color, toDate('2020-01-01') as updated_at
        union all
        select 2 as id, 'red' as color, toDate('2020-01-01') as updated_at
    {% elif var('step') == 3 %}
        select 1 as id, 'pink' as color, toDate(now() + interval 1 day) as updated_at
        union all
        select 2 as id, 'pink' as color, toDate(now() + interval 1 day) as updated_at
    {% endif %}
{% endsnapshot %}
`;
const CHANGING_STRATEGY_TEST = `
with expected as (
    select 1 as id, 'pink' as color union all
    select 2 as id, 'pink' as color
),
actual as (
    select id, color from {{ ref('my_snapshot') }} where color = 'pink' and dbt_valid_to is null
)
select * from expected
except
select * from actual
union all
select * from actual
except
select * from expected
`;

const COMMENT_AT_END = `
{% snapshot snapshot_actual %}
    {{ config(target_database=var('target_database', database), target_schema=schema, unique_key='id', strategy='check', check_cols=['email']) }}
    select * from {{ schema }}.seed
    -- Test comment to prevent recurrence of https://github.com/dbt-labs/dbt-core/issues/6781
{% endsnapshot %}
`;

const LONG_TEXT = `
{% snapshot snapshot_actual %}
    {{ config(target_database=var('target_database', database), target_schema=schema, unique_key='id', strategy='timestamp', updated_at='updated_at') }}
    select * from {{ schema }}.super_long
{% endsnapshot %}
`;

const MISSING_STRATEGY = `
{% snapshot snapshot_actual %}
    {# missing the mandatory strategy parameter #}
    {{ config(unique_key='id || ' ~ "'-'" ~ ' || first_name', updated_at='updated_at') }}
    select * from {{ schema }}.seed
{% endsnapshot %}
`;

const SNAPSHOT_YML = `
snapshots:
  - name: snapshot_actual
    relation: "ref('seed')"
    config:
      unique_key: "id || '-' || first_name"
      strategy: timestamp
      updated_at: updated_at
      meta:
        owner: 'a_owner'
    columns:
      - name: id
        data_tests:
          - not_null
`;
const SOURCE_SNAPSHOT_YML = `
snapshots:
  - name: snapshot_source
    relation: "source('information_schema', 'tables')"
    config:
      unique_key: "table_schema || '-' || table_name"
      strategy: check
      check_cols: all
`;
const INFORMATION_SCHEMA_SOURCE = `
sources:
  - name: information_schema
    schema: information_schema
    tables:
      - name: tables
`;
/** dbt-core's macros__test_no_overlaps_sql: a snapshot's versions of one key never overlap. */
const NO_OVERLAPS = `
{% macro get_snapshot_unique_id() -%}
    {{ return(adapter.dispatch('get_snapshot_unique_id')()) }}
{%- endmacro %}
{% macro default__get_snapshot_unique_id() -%}
  {% do return("id || '-' || first_name") %}
{%- endmacro %}
{% test mutually_exclusive_ranges(model) %}
with base as (
    select {{ get_snapshot_unique_id() }} as dbt_unique_id, * from {{ model }}
),
window_functions as (
    select
        dbt_valid_from as lower_bound,
        coalesce(dbt_valid_to, '2099-1-1T00:00:01') as upper_bound,
        lead(dbt_valid_from) over (partition by dbt_unique_id order by dbt_valid_from) as next_lower_bound,
        row_number() over (partition by dbt_unique_id order by dbt_valid_from desc) = 1 as is_last_record
    from base
),
calc as (
    select *,
        coalesce(lower_bound < upper_bound, is_last_record) as lower_bound_less_than_upper_bound,
        coalesce(upper_bound = next_lower_bound, is_last_record, false) as upper_bound_equal_to_next_lower_bound
    from window_functions
),
validation_errors as (
    select * from calc
    where not(lower_bound_less_than_upper_bound and upper_bound_equal_to_next_lower_bound)
)
select * from validation_errors
{% endtest %}
`;
const MODELS_SCHEMA_YML = `
snapshots:
  - name: snapshot_actual
    data_tests:
      - mutually_exclusive_ranges
    config:
      meta:
        owner: 'a_owner'
`;

/** seed_pg.sql's snapshot_expected, then invalidate_postgres.sql + update.sql, in ClickHouse SQL. */
const CUSTOM_STRATEGY = `
{# A "custom" strategy that's really just the timestamp one #}
{% macro snapshot_custom_strategy(node, snapshotted_rel, current_rel, config, target_exists) %}
    {% set primary_key = config['unique_key'] %}
    {% set updated_at = config['updated_at'] %}

    {% set row_changed_expr -%}
        ({{ snapshotted_rel }}.{{ updated_at }} < {{ current_rel }}.{{ updated_at }})
    {%- endset %}

    {% set scd_id_expr = snapshot_hash_arguments([primary_key, updated_at]) %}

    {% do return({
        "unique_key": primary_key,
        "updated_at": updated_at,
        "row_changed": row_changed_expr,
        "scd_id": scd_id_expr
    }) %}
{% endmacro %}
`;
const EXPECTED_COLUMNS = 'id, first_name, last_name, email, gender, ip_address, updated_at, dbt_valid_from, dbt_valid_to, dbt_updated_at, dbt_scd_id';
const expectedRows = (schema: string, where = '') =>
  `SELECT ${EXPECTED_COLUMNS.replace('dbt_valid_from, dbt_valid_to, dbt_updated_at, dbt_scd_id', "updated_at, CAST(NULL AS Nullable(DateTime64(6))), updated_at, lower(hex(MD5(concat(toString(id), '-', first_name, '|', toString(updated_at)))))")} FROM ${schema}.seed ${where}`;
async function basicSetupSql(p: DbtProject, lastNames = false): Promise<void> {
  await seedCn(p);
  // seed_pg.sql's last names the select/exclude snapshots filter on (Kelly 2 and 9, Castillo 14; an Alvarez at 12 so that one is not empty).
  if (lastNames) await p.query(`ALTER TABLE {schema}.seed UPDATE last_name = multiIf(id IN (2, 9), 'Kelly', id = 14, 'Castillo', id = 12, 'Alvarez', last_name) WHERE 1 SETTINGS mutations_sync = 1`);
  await p.query(`CREATE TABLE {schema}.snapshot_expected (id Int32, first_name String, last_name String, email String, gender String, ip_address String, updated_at DateTime64(6), dbt_valid_from DateTime64(6), dbt_valid_to Nullable(DateTime64(6)), dbt_updated_at DateTime64(6), dbt_scd_id String) ENGINE = MergeTree ORDER BY id`);
  await p.query(`INSERT INTO {schema}.snapshot_expected ${expectedRows(p.schema)}`);
}
async function invalidateAndUpdate(p: DbtProject): Promise<void> {
  await p.query(`ALTER TABLE {schema}.seed UPDATE updated_at = updated_at + toIntervalHour(1), email = if(id = 20, 'pfoxj@creativecommons.org', concat('new_', email)) WHERE id >= 10 AND id <= 20 SETTINGS mutations_sync = 1`);
  await p.query(`ALTER TABLE {schema}.snapshot_expected UPDATE dbt_valid_to = updated_at + toIntervalHour(1) WHERE id >= 10 AND id <= 20 SETTINGS mutations_sync = 1`);
  await p.query(`INSERT INTO {schema}.snapshot_expected ${expectedRows(p.schema, 'WHERE id >= 10 AND id <= 20')}`);
}

async function seedCn(p: DbtProject): Promise<void> {
  await p.query(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
  for (const sql of SEED_CN(p.schema)) await p.query(sql);
}


// test_select_exclude_snapshot.py: dbt's snapshots_select / snapshots_select_noconfig fixtures (three-part seed names as `{{ schema }}.seed`).
const SNAPSHOTS_SELECT = `
{% snapshot snapshot_castillo %}

    {{
        config(
            target_database=var('target_database', database),
            target_schema=schema,
            unique_key='id || ' ~ "'-'" ~ ' || first_name',
            strategy='timestamp',
            updated_at='"1-updated_at"',
        )
    }}
    select id,first_name,last_name,email,gender,ip_address,updated_at as "1-updated_at" from {{ schema }}.seed where last_name = 'Castillo'

{% endsnapshot %}

{% snapshot snapshot_alvarez %}

    {{
        config(
            target_database=var('target_database', database),
            target_schema=schema,
            unique_key='id || ' ~ "'-'" ~ ' || first_name',
            strategy='timestamp',
            updated_at='updated_at',
        )
    }}
    select * from {{ schema }}.seed where last_name = 'Alvarez'

{% endsnapshot %}


{% snapshot snapshot_kelly %}
    {# This has no target_database set, which is allowed! #}
    {{
        config(
            target_schema=schema,
            unique_key='id || ' ~ "'-'" ~ ' || first_name',
            strategy='timestamp',
            updated_at='updated_at',
        )
    }}
    select * from {{ schema }}.seed where last_name = 'Kelly'

{% endsnapshot %}
`;
const SNAPSHOTS_SELECT_NOCONFIG = `
{% snapshot snapshot_actual %}

    {{
        config(
            target_database=var('target_database', database),
            target_schema=var('target_schema', schema),
        )
    }}
    select * from {{ target.schema }}.seed

{% endsnapshot %}

{% snapshot snapshot_castillo %}

    {{
        config(
            target_database=var('target_database', database),
            updated_at='"1-updated_at"',
        )
    }}
    select id,first_name,last_name,email,gender,ip_address,updated_at as "1-updated_at" from {{ schema }}.seed where last_name = 'Castillo'

{% endsnapshot %}

{% snapshot snapshot_alvarez %}

    {{
        config(
            target_database=var('target_database', database),
        )
    }}
    select * from {{ schema }}.seed where last_name = 'Alvarez'

{% endsnapshot %}


{% snapshot snapshot_kelly %}
    {# This has no target_database set, which is allowed! #}
    select * from {{ schema }}.seed where last_name = 'Kelly'

{% endsnapshot %}
`;
const SNAPSHOT_ACTUAL_BLOCK = `{% snapshot snapshot_actual %}\n    {{ config(target_database=var('target_database', database), target_schema=var('target_schema', schema), unique_key='id || ' ~ "'-'" ~ ' || first_name', strategy='timestamp', updated_at='updated_at') }}\n    select * from {{ schema }}.seed\n{% endsnapshot %}\n`;
const SELECT_CONFIGURED = `snapshots:\n  test:\n    target_schema: "{{ target.schema }}"\n    unique_key: "id || '-' || first_name"\n    strategy: timestamp\n    updated_at: updated_at\n`;
const LAST_NAMES = { snapshot_castillo: 'Castillo', snapshot_alvarez: 'Alvarez', snapshot_kelly: 'Kelly' } as const;

function selectExcludeProject(configured: boolean): DbtProject {
  return dbtProject({
    snapshots: configured ? { 'snapshot.sql': SNAPSHOTS_SELECT_NOCONFIG } : { 'snapshot.sql': SNAPSHOT_ACTUAL_BLOCK, 'snapshot_select.sql': SNAPSHOTS_SELECT },
    models: { 'schema.yml': MODELS_SCHEMA_YML, 'ref_snapshot.sql': "select * from {{ ref('snapshot_actual') }}\n" },
    macros: { 'test_no_overlaps.sql': NO_OVERLAPS },
    seeds: { 'seed_newcol.csv': 'id,first_name,last_name\n1,Judith,Kennedy\n2,Arthur,Kelly\n3,Rachel,Moreno\n', 'seed.csv': 'id,first_name\n1,Judith\n2,Arthur\n3,Rachel\n' },
    ...(configured ? { projectConfig: SELECT_CONFIGURED } : {}),
  });
}

/** dbt's check_relations_equal of snapshot_<name> with snapshot_<name>_expected: seed_pg.sql's expected rows of that last name (castillo's updated_at is "1-updated_at"). */
async function expectNamedSnapshot(p: DbtProject, name: keyof typeof LAST_NAMES): Promise<void> {
  const at = name === 'snapshot_castillo' ? '`1-updated_at`' : 'updated_at';
  const cols = `id, first_name, last_name, email, ${at} AS at, dbt_valid_from, dbt_valid_to, dbt_updated_at, dbt_scd_id`;
  const actual = await p.query(`SELECT ${cols} FROM {schema}.${name} ORDER BY id, dbt_valid_from`);
  const expected = await p.query(`SELECT ${cols.replace(at, 'updated_at')} FROM {schema}.snapshot_expected WHERE last_name = '${LAST_NAMES[name]}' ORDER BY id, dbt_valid_from`);
  expect(actual.length, name).toBeGreaterThan(0);
  expect(actual, name).toEqual(expected);
}

const tableExists = async (p: DbtProject, name: string) => (await p.query<{ n: number }>(`SELECT count() AS n FROM system.tables WHERE database = '{schema}' AND name = '${name}'`))[0]!.n > 0;

describe('snapshots (dbt-core tests/functional/snapshots)', () => {
  it('test_check_cols_snapshot: red → blue → red keeps 5 versions; the singular test passes', async () => {
    const p = dbtProject({ snapshots: { 'my_snapshot.sql': CHECK_COLS_CYCLE }, tests: { 'my_test.sql': CHECK_COLS_TEST } });
    for (const version of [1, 2, 3]) expect((await p.dbt(['snapshot', '--vars', `version: ${version}`])).results).toHaveLength(1);
    const test = await p.dbt(['test', '--select', 'test_type:singular', '--vars', 'version: 3']);
    expect(test.results.map((r) => r.status)).toEqual(['pass']);
    expect(await p.query(`SELECT id, color, dbt_valid_to IS NULL AS current FROM {schema}.check_cols_cycle ORDER BY id, dbt_valid_from`)).toEqual([
      { id: 1, color: 'red', current: 0 },
      { id: 1, color: 'blue', current: 0 },
      { id: 1, color: 'red', current: 1 },
      { id: 2, color: 'green', current: 0 },
      { id: 2, color: 'pink', current: 1 },
    ]);
  });

  it("test_renamed_source_snapshot: check_cols='all' over a source that gains a column", async () => {
    const p = dbtProject({
      snapshots: { 'snapshot.sql': CHECK_ALL },
      seeds: { 'seed_newcol.csv': 'id,first_name,last_name\n1,Judith,Kennedy\n2,Arthur,Kelly\n3,Rachel,Moreno\n', 'seed.csv': 'id,first_name\n1,Judith\n2,Arthur\n3,Rachel\n' },
    });
    await p.dbt(['seed']);
    await p.dbt(['snapshot']);
    const first = await p.query<Record<string, unknown>>('SELECT * FROM {schema}.my_snapshot');
    expect(first).toHaveLength(3);
    for (const row of first) expect(Object.keys(row)).toHaveLength(6);

    await p.dbt(['snapshot', '--vars', '{seed_name: seed_newcol}']);
    const withName = await p.query<Record<string, unknown>>('SELECT * FROM {schema}.my_snapshot WHERE last_name IS NOT NULL');
    expect(withName).toHaveLength(3);
    for (const row of withName) {
      expect(Object.keys(row)).toHaveLength(7);
      expect(Object.values(row).at(-1)).not.toBeNull();
    }
    const without = await p.query<Record<string, unknown>>('SELECT * FROM {schema}.my_snapshot WHERE last_name IS NULL');
    expect(without).toHaveLength(3);
    for (const row of without) expect(Object.keys(row)).toHaveLength(7);
  });

  for (const casing of [['name', 'other'], ['NAME', 'OTHER']]) {
    it(`test_changing_check_cols_snapshot: check_cols gains a new column (${casing.join(', ')})`, async () => {
      const p = dbtProject({ snapshots: { 'snapshot_check_cols_new_column.sql': NEW_COLUMN } });
      const snap = (vars: Record<string, unknown>) => p.dbt(['snapshot', '--vars', JSON.stringify(vars)]);
      const expected = [
        [1, 'foo', 'bar', '2016-07-02 00:00:00.000000', '2016-07-02 00:00:00.000000', null],
        [1, 'foo', null, '2016-07-01 00:00:00.000000', '2016-07-01 00:00:00.000000', '2016-07-02 00:00:00.000000'],
      ];
      const actual = () => p.rows('snapshot_check_cols_new_column', ['id', 'name', 'other', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']);
      expect((await snap({ version: 1, check_cols: [casing[0]], updated_at: '2016-07-01' })).results).toHaveLength(1);
      expect((await snap({ version: 2, check_cols: casing, updated_at: '2016-07-02' })).results).toHaveLength(1);
      expect(await actual()).toEqual(expected);
      // Nothing changed: no change is detected.
      expect((await snap({ version: 2, check_cols: casing, updated_at: '2016-07-02' })).results).toHaveLength(1);
      expect(await actual()).toEqual(expected);
    });
  }

  for (const where of ['yaml', 'dbt_project'] as const) {
    it(`test_snapshot_column_names: snapshot_meta_column_names from ${where === 'yaml' ? 'the YAML entry' : 'dbt_project.yml'}`, async () => {
      const names = 'snapshot_meta_column_names:\n          dbt_valid_to: test_valid_to\n          dbt_valid_from: test_valid_from\n          dbt_scd_id: test_scd_id\n          dbt_updated_at: test_updated_at\n';
      const p = dbtProject({
        snapshots: { 'snapshot.sql': COLUMN_NAMES_SNAPSHOT },
        models: {
          'snapshots.yml': `snapshots:\n  - name: snapshot_actual\n    config:\n      strategy: timestamp\n      updated_at: updated_at\n${where === 'yaml' ? `      ${names}` : ''}`,
          'ref_snapshot.sql': "select * from {{ ref('snapshot_actual') }}\n",
        },
        projectConfig:
          where === 'yaml'
            ? ''
            : 'snapshots:\n  test:\n    +snapshot_meta_column_names:\n      dbt_valid_to: test_valid_to\n      dbt_valid_from: test_valid_from\n      dbt_scd_id: test_scd_id\n      dbt_updated_at: test_updated_at\n',
      });
      await seedCn(p);
      expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
      await p.query(`ALTER TABLE {schema}.seed UPDATE updated_at = updated_at + toIntervalHour(1), email = if(id = 20, 'pfoxj@creativecommons.org', concat('new_', email)) WHERE id >= 10 AND id <= 20 SETTINGS mutations_sync = 1`);
      expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
      const cols = (await p.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = '{schema}' AND table = 'snapshot_actual' ORDER BY position`)).map((r) => r.name);
      expect(cols.slice(-4).sort()).toEqual(['test_scd_id', 'test_updated_at', 'test_valid_from', 'test_valid_to']);
      // snapshot_expected of the upstream test: 20 first versions, ids 10-20 closed at their new
      // updated_at, 11 new current versions.
      expect(await p.query(`SELECT toInt32(count()) AS n, toInt32(countIf(test_valid_to IS NULL)) AS current FROM {schema}.snapshot_actual`)).toEqual([{ n: 31, current: 20 }]);
      const closed = await p.query<{ id: number; ok: number }>(
        `SELECT s.id AS id, toUInt8(s.test_valid_to = n.updated_at AND s.test_updated_at = s.updated_at) AS ok FROM {schema}.snapshot_actual s INNER JOIN {schema}.seed n ON n.id = s.id WHERE s.test_valid_to IS NOT NULL ORDER BY id`,
      );
      expect(closed).toEqual(Array.from({ length: 11 }, (_, i) => ({ id: 10 + i, ok: 1 })));
      const current = await p.query<{ email: string }>(`SELECT email FROM {schema}.snapshot_actual WHERE id = 20 AND test_valid_to IS NULL`);
      expect(current).toEqual([{ email: 'pfoxj@creativecommons.org' }]);
    });
  }

  it('test_hard_delete_snapshot: legacy invalidate_hard_deletes closes deleted rows; revived rows get a current version', async () => {
    const p = dbtProject({ snapshots: { 'snapshot.sql': HARD_DELETE_SNAPSHOT } });
    await seedCn(p);
    const snap = () => p.dbt(['snapshot', '--vars', '{invalidate_hard_deletes: true}']);
    await snap();
    expect(await p.query('SELECT toInt32(count()) AS n FROM {schema}.snapshot_actual WHERE dbt_valid_to IS NULL')).toEqual([{ n: 20 }]);
    const before = Date.now();
    await p.query('ALTER TABLE {schema}.seed DELETE WHERE id >= 10 SETTINGS mutations_sync = 1');
    await snap();
    const snapshotted = await p.query<{ id: number; to: string | null }>('SELECT id, toString(dbt_valid_to) AS to FROM {schema}.snapshot_actual ORDER BY id');
    expect(snapshotted).toHaveLength(20);
    for (const row of snapshotted.slice(9)) {
      expect(row.to).not.toBeNull();
      expect(Math.abs(Date.parse(`${row.to!.replace(' ', 'T')}Z`) - before)).toBeLessThan(60_000);
    }
    // revive records 10 and 11
    await p.query(`INSERT INTO {schema}.seed VALUES (10, 'Rachel', 'Lopez', 'rlopez9@themeforest.net', 'Female', '237.165.82.71', now64(6)), (11, 'Donna', 'Welch', 'dwelcha@shutterfly.com', 'Female', '103.33.110.138', now64(6))`);
    await snap();
    expect(await p.query('SELECT toInt32(count()) AS n FROM {schema}.snapshot_actual WHERE dbt_valid_to IS NOT NULL')).toEqual([{ n: 11 }]);
    expect(await p.query('SELECT id FROM {schema}.snapshot_actual WHERE dbt_valid_to IS NULL AND id IN (10, 11) ORDER BY id')).toEqual([{ id: 10 }, { id: 11 }]);
    expect(await p.query('SELECT toInt32(count()) AS n FROM {schema}.snapshot_actual')).toEqual([{ n: 22 }]);
  });
  it('test_check_cols_updated_at_snapshot: dbt_updated_at and the versions follow the updated_at expression', async () => {
    const p = dbtProject({ snapshots: { 'snapshot_check_cols_updated_at_actual.sql': CHECK_COLS_UPDATED_AT } });
    for (const [version, day] of [[1, '2016-07-01'], [2, '2016-07-02'], [3, '2016-07-03']] as const)
      expect((await p.dbt(['snapshot', '--vars', `{version: ${version}, updated_at: ${day}}`])).results).toHaveLength(1);
    const t = (d: string) => `${d} 00:00:00.000000`;
    // dbt's expected scd ids are md5('a|2016-07-01 00:00:00') (Postgres's timestamp text); a
    // DateTime64(6) reads '2016-07-01 00:00:00.000000' on ClickHouse, so the ids differ (documented).
    const scd = (id: string, d: string) => createHash('md5').update(`${id}|${t(d)}`).digest('hex');
    expect(await p.query(`SELECT id, counter, toString(timestamp_col) AS ts, toString(dbt_updated_at) AS u, toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t, dbt_scd_id AS scd FROM {schema}.snapshot_check_cols_updated_at_actual ORDER BY id, dbt_valid_from`)).toEqual([
      { id: 'a', counter: 10, ts: t('2016-01-01'), u: t('2016-07-01'), f: t('2016-07-01'), t: t('2016-07-02'), scd: scd('a', '2016-07-01') },
      { id: 'a', counter: 30, ts: t('2016-01-02'), u: t('2016-07-02'), f: t('2016-07-02'), t: null, scd: scd('a', '2016-07-02') },
      { id: 'b', counter: 20, ts: t('2016-01-01'), u: t('2016-07-01'), f: t('2016-07-01'), t: null, scd: scd('b', '2016-07-01') },
      { id: 'c', counter: 40, ts: t('2016-01-02'), u: t('2016-07-02'), f: t('2016-07-02'), t: null, scd: scd('c', '2016-07-02') },
    ]);
  });

  it('test_changing_strategy_snapshot: check, then timestamp on a new column; both rows end pink', async () => {
    const p = dbtProject({ snapshots: { 'snapshot.sql': CHANGING_STRATEGY }, tests: { 'test_snapshot.sql': CHANGING_STRATEGY_TEST } });
    expect((await p.dbt(['snapshot', '--vars', '{strategy: check, step: 1}'])).results).toHaveLength(1);
    expect((await p.dbt(['snapshot', '--vars', '{strategy: check, step: 2}'])).results).toHaveLength(1);
    expect((await p.dbt(['snapshot', '--vars', '{strategy: timestamp, step: 3}'])).results).toHaveLength(1);
    const test = await p.dbt(['test', '--vars', '{strategy: timestamp, step: 3}']);
    expect(test.results.map((r) => r.status)).toEqual(['pass']);
    expect(await p.query(`SELECT id, color FROM {schema}.my_snapshot WHERE dbt_valid_to IS NULL ORDER BY id`)).toEqual([{ id: 1, color: 'pink' }, { id: 2, color: 'pink' }]);
  });

  it('test_comment_ending_snapshot: a query ending in a -- comment snapshots twice', async () => {
    const p = dbtProject({ snapshots: { 'snapshot.sql': COMMENT_AT_END } });
    await seedCn(p);
    await p.dbt(['snapshot']);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await p.query('SELECT toInt32(count()) AS n FROM {schema}.snapshot_actual')).toEqual([{ n: 20 }]);
  });

  it('test_long_text_snapshot: a 500-character text survives', async () => {
    const p = dbtProject({ snapshots: { 'snapshot.sql': LONG_TEXT } });
    await p.query('CREATE DATABASE IF NOT EXISTS {schema}');
    await p.query('CREATE TABLE {schema}.super_long (id Int32, longstring String, updated_at DateTime64(6)) ENGINE = MergeTree ORDER BY id');
    await p.query("INSERT INTO {schema}.super_long VALUES (1, 'short', now64(6)), (2, repeat('a', 500), now64(6))");
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    const got = await p.query<{ longstring: string }>('SELECT longstring FROM {schema}.snapshot_actual');
    expect(new Set(got.map((r) => r.longstring))).toEqual(new Set(['a'.repeat(500), 'short']));
  });

  it("test_missing_strategy_snapshot: compile fails with dbt's \"Snapshots must be configured with a 'strategy' and 'unique_key'\"", async () => {
    const p = dbtProject({ snapshots: { 'snapshot.sql': MISSING_STRATEGY } });
    const r = await p.dbt(['compile'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Snapshots must be configured with a 'strategy' and 'unique_key'");
  });
  for (const kind of ['block', 'yaml'] as const) {
    it(`test_basic_snapshot ${kind === 'block' ? 'TestBasicSnapshot' : 'TestBasicSnapshotYaml'}: history equals dbt's expected table; data tests pass`, async () => {
      const p = dbtProject({
        snapshots:
          kind === 'yaml'
            ? { 'snapshot.yml': SNAPSHOT_YML, 'source_snapshot.yml': SOURCE_SNAPSHOT_YML }
            : { 'snapshot.sql': `{% snapshot snapshot_actual %}\n    {{ config(target_database=var('target_database', database), target_schema=var('target_schema', schema), unique_key='id || ' ~ "'-'" ~ ' || first_name', strategy='timestamp', updated_at='updated_at') }}\n    {% if var('invalidate_hard_deletes', 'false') | as_bool %}\n        {{ config(invalidate_hard_deletes=True) }}\n    {% endif %}\n    select * from {{ schema }}.seed\n{% endsnapshot %}\n` },
        models: kind === 'yaml' ? { 'sources.yml': INFORMATION_SCHEMA_SOURCE, 'ref_snapshot.sql': "select * from {{ ref('snapshot_actual') }}\n" } : { 'schema.yml': MODELS_SCHEMA_YML, 'ref_snapshot.sql': "select * from {{ ref('snapshot_actual') }}\n" },
        macros: { 'test_no_overlaps.sql': NO_OVERLAPS },
        seeds: { 'seed_newcol.csv': 'id,first_name,last_name\n1,Judith,Kennedy\n2,Arthur,Kelly\n3,Rachel,Moreno\n', 'seed.csv': 'id,first_name\n1,Judith\n2,Arthur\n3,Rachel\n' },
      });
      const n = kind === 'yaml' ? 2 : 1;
      await basicSetupSql(p);
      expect((await p.dbt(['snapshot'])).results).toHaveLength(n);
      await p.dbt(['test']);
      await expectRelationsEqual(p, ['snapshot_actual', 'snapshot_expected'], EXPECTED_COLUMNS.split(', '));
      await invalidateAndUpdate(p);
      expect((await p.dbt(['snapshot'])).results).toHaveLength(n);
      const tests = await p.dbt(['test']);
      expect(tests.results.map((r) => r.status)).toEqual(['pass']);
      await expectRelationsEqual(p, ['snapshot_actual', 'snapshot_expected'], EXPECTED_COLUMNS.split(', '));
    });
  }

  // test_basic_snapshot.py TestBasicCustomSnapshot, TestBasicCustomNamespace (strategy='test.custom'), TestRefCustomNamespace:
  // a project's snapshot_custom_strategy macro (dbt's fixture: "really just the timestamp one").
  for (const strategy of ['custom', 'test.custom'] as const) {
    it(`test_basic_snapshot ${strategy === 'custom' ? 'TestBasicCustomSnapshot' : 'TestBasicCustomNamespace'}: a custom strategy macro's history equals dbt's expected table`, async () => {
      const p = dbtProject({
        snapshots: {
          'snapshot.sql': `{% snapshot snapshot_actual %}\n    {{ config(target_database=var('target_database', database), target_schema=var('target_schema', schema), unique_key='id || ' ~ "'-'" ~ ' || first_name', strategy='${strategy}', updated_at='updated_at') }}\n    select * from {{ target.schema }}.seed\n{% endsnapshot %}\n`,
        },
        models: { 'schema.yml': MODELS_SCHEMA_YML, 'ref_snapshot.sql': "select * from {{ ref('snapshot_actual') }}\n" },
        macros: { 'test_no_overlaps.sql': NO_OVERLAPS, 'custom.sql': CUSTOM_STRATEGY },
      });
      await basicSetupSql(p);
      expect((await p.dbt(['snapshot'])).results.map((r) => r.status)).toEqual(['success']);
      await p.dbt(['test']);
      await expectRelationsEqual(p, ['snapshot_actual', 'snapshot_expected'], EXPECTED_COLUMNS.split(', '));
      await invalidateAndUpdate(p);
      expect((await p.dbt(['snapshot'])).results.map((r) => r.status)).toEqual(['success']);
      expect((await p.dbt(['test'])).results.map((r) => r.status)).toEqual(['pass']);
      await expectRelationsEqual(p, ['snapshot_actual', 'snapshot_expected'], EXPECTED_COLUMNS.split(', '));
      if (strategy === 'test.custom') expect((await p.dbt(['run'])).results).toHaveLength(1); // TestRefCustomNamespace
    });
  }

  it('a custom strategy that returns dbt\'s own check strategy (snapshot_check_strategy) closes changed rows', async () => {
    const p = dbtProject({
      snapshots: { 'snap.sql': "{% snapshot snap %}\n{{ config(target_schema=schema, unique_key='id', strategy='mine', check_cols=['color']) }}\nselect * from {{ ref('src') }}\n{% endsnapshot %}\n" },
      models: { 'src.sql': "select 1 as id, '{{ var(\"c\", \"red\") }}' as color union all select 2, 'green'\n" },
      macros: { 'mine.sql': '{% macro snapshot_mine_strategy(node, snapshotted_rel, current_rel, config, target_exists) %}{{ return(snapshot_check_strategy(node, snapshotted_rel, current_rel, config, target_exists)) }}{% endmacro %}\n' },
    });
    await p.dbt(['run']);
    await p.dbt(['snapshot']);
    await p.dbt(['run', '--vars', '{c: blue}']);
    await p.dbt(['snapshot']);
    expect(await p.query('select id, color, dbt_valid_to is null as current from {schema}.snap order by id, current')).toEqual([
      { id: 1, color: 'red', current: 0 },
      { id: 1, color: 'blue', current: 1 },
      { id: 2, color: 'green', current: 1 },
    ]);
  });

  it('test_snapshot_config: config in the block, then the same config from a YAML entry', async () => {
    const p = dbtProject({
      models: { 'orders.sql': "select 1 as id, 101 as user_id, 'pending' as status\n" },
      snapshots: { 'snapshot_orders.sql': "{% snapshot orders_snapshot %}\n{{ config(target_schema=schema, strategy='check', unique_key='id', check_cols=['status']) }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}\n" },
    });
    await p.dbt(['run']);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    p.write({
      'snapshots/snapshot_orders.sql': "{% snapshot orders_snapshot %}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}\n",
      // dbt's test writes target_schema: test (a schema of its own database); a per-test name here.
      'snapshots/snapshot.yml': `snapshots:\n  - name: orders_snapshot\n    config:\n      target_schema: ${p.schema}_test\n      strategy: check\n      unique_key: id\n      check_cols: ['status']\n`,
    });
    await p.dbt(['parse']);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await p.query(`SELECT id, status FROM {schema}_test.orders_snapshot`)).toEqual([{ id: 1, status: 'pending' }]);
    await p.query('DROP DATABASE IF EXISTS {schema}_test');
  });
  it('test_snapshot_empty TestSnapshotEmpty: snapshot --empty leaves the snapshot empty, twice', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': 'select 1 as id, {{ dbt.current_timestamp() }} as updated_at\n',
        'snapshots.yml': "snapshots:\n  - name: my_snapshot\n    relation: \"ref('my_model')\"\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: all\n      dbt_valid_to_current: \"date('9999-12-31')\"\n",
      },
    });
    const query = 'select id, updated_at, dbt_valid_from, dbt_valid_to from {schema}.my_snapshot order by updated_at asc';
    await p.dbt(['run']);
    await p.dbt(['snapshot', '--empty']);
    expect(await p.query(query)).toEqual([]);
    await p.dbt(['run']);
    await p.dbt(['snapshot', '--empty']);
    expect(await p.query(query)).toEqual([]);
  });

  it('test_cross_schema_snapshot: a snapshot in another schema (target_schema var), a model refs it', async () => {
    const p = dbtProject({ snapshots: { 'snapshot.sql': HARD_DELETE_SNAPSHOT }, models: { 'schema.yml': MODELS_SCHEMA_YML, 'ref_snapshot.sql': "select * from {{ ref('snapshot_actual') }}\n" }, macros: { 'test_no_overlaps.sql': NO_OVERLAPS } });
    await seedCn(p);
    const target = `${p.schema}_snapshotted`;
    try {
      expect((await p.dbt(['snapshot', '--vars', JSON.stringify({ target_schema: target })])).results).toHaveLength(1);
      expect((await p.dbt(['run', '--vars', JSON.stringify({ target_schema: target })])).results).toHaveLength(1);
      expect(await p.query(`SELECT toInt32(count()) AS n FROM {schema}.ref_snapshot`)).toEqual([{ n: 20 }]);
      expect(await p.query(`SELECT toInt32(count()) AS n FROM ${target}.snapshot_actual`)).toEqual([{ n: 20 }]);
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${target}`);
    }
  });
  it("test_invalid_namespace_snapshot: strategy='dbt.custom' (no such macro in dbt) fails the snapshot", async () => {
    const p = dbtProject({ snapshots: { 'snapshots.sql': HARD_DELETE_SNAPSHOT.replace("strategy='timestamp'", "strategy='dbt.custom'") } });
    await seedCn(p);
    const r = await p.dbt(['snapshot'], { expectPass: false });
    expect(r.results.map((x) => x.status)).toEqual(['error']);
    expect(r.out.join('\n')).toContain("The specified strategy macro 'custom' was not found in package 'dbt'");
    // The project loads: models still run (dbt resolves a snapshot's strategy when it runs).
    p.write({ 'models/m.sql': 'select 1 as id\n' });
    expect((await p.dbt(['run'])).results.map((x) => x.status)).toEqual(['success']);
  });
  for (const configured of [false, true]) {
    const setup = configured ? 'SelectConfiguredSetup' : 'SelectBasicSetup';
    it(`test_select_exclude_snapshot ${setup}: all four snapshots, twice, equal dbt's expected tables`, async () => {
      const p = selectExcludeProject(configured);
      await basicSetupSql(p, true);
      for (let round = 0; round < 2; round++) {
        if (round === 1) await invalidateAndUpdate(p);
        expect((await p.dbt(['snapshot'])).results).toHaveLength(4);
        for (const name of Object.keys(LAST_NAMES) as (keyof typeof LAST_NAMES)[]) await expectNamedSnapshot(p, name);
        await expectRelationsEqual(p, ['snapshot_actual', 'snapshot_expected'], EXPECTED_COLUMNS.split(', '));
      }
    });
    it(`test_select_exclude_snapshot ${setup}: --exclude snapshot_castillo, then --select snapshot_castillo`, async () => {
      const p = selectExcludeProject(configured);
      await basicSetupSql(p, true);
      expect((await p.dbt(['snapshot', '--exclude', 'snapshot_castillo'])).results).toHaveLength(3);
      expect(await tableExists(p, 'snapshot_castillo')).toBe(false);
      await expectNamedSnapshot(p, 'snapshot_alvarez');
      await expectNamedSnapshot(p, 'snapshot_kelly');
      await expectRelationsEqual(p, ['snapshot_actual', 'snapshot_expected'], EXPECTED_COLUMNS.split(', '));

      const q = selectExcludeProject(configured);
      await basicSetupSql(q, true);
      expect((await q.dbt(['snapshot', '--select', 'snapshot_castillo'])).results).toHaveLength(1);
      await expectNamedSnapshot(q, 'snapshot_castillo');
      for (const name of ['snapshot_alvarez', 'snapshot_kelly', 'snapshot_actual']) expect(await tableExists(q, name), name).toBe(false);
    });
  }

});
