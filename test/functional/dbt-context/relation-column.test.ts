import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * dbt's Relation and Column objects in templates (dbt-adapters BaseRelation / Column, with
 * dbt-clickhouse's ClickHouseRelation and ClickHouseColumn behaviour).
 */
const setup = openedPerTest();

const BASE = `{{ config(materialized='table', alias='base_alias') }}
select toUInt32(1) as id, 'a' as name, cast(null as Nullable(String)) as opt, toLowCardinality('x') as lc, toDecimal64(1.5, 2) as amount, toFloat64(2) as f`;

describe('Relation', () => {
  it('string filters, attributes and comparisons see the final name, not a placeholder', async () => {
    const { p, project } = setup({
      'models/base.sql': BASE,
      'models/names.sql': `select
  '{{ ref('base') | upper }}' as upper_name,
  '{{ ref('base').identifier }}' as ident,
  '{{ ref('base').name ~ '_x' }}' as suffixed,
  '{{ ref('base').schema == target.schema }}' as same_schema,
  '{{ ref('base').database }}' as db,
  '{{ this.identifier }}' as me,
  '{{ ref('base').include(schema=false) }}' as only_ident,
  '{{ ref('base').render() | replace('\`', '') }}' as rendered,
  '{{ ref('base') is mapping }}' as is_mapping,
  '{{ ref('base').get('metadata')['type'] }}' as meta_type,
  '{{ ref('base') == ref('base') }}' as eq`,
    });
    expectStatuses(await project.run(), { base: 'success', names: 'success' });
    const [row] = await queryRows(project, `SELECT * FROM ${p.schema}.names`);
    expect(row).toEqual({
      upper_name: `\`${p.schema.toUpperCase()}\`.\`BASE_ALIAS\``,
      ident: 'base_alias',
      suffixed: 'base_alias_x',
      same_schema: 'True',
      db: '',
      me: 'names',
      only_ident: '`base_alias`',
      rendered: `${p.schema}.base_alias`,
      is_mapping: 'True',
      meta_type: 'ClickHouseRelation',
      eq: 'True',
    });
    // `tsdbt compile` shows the same final names (no warehouse needed).
    const [compiled] = (await project.compile({ select: ['names'], write: false })).map((c) => c.sql);
    expect(compiled).toContain("'base_alias' as ident");
    expect(compiled).not.toMatch(/[\u0001\u0002]/);
  });

  it('api.Relation.create, incorporate, adapter.get_relation with its type, load_relation', async () => {
    const { p, project } = setup({
      'models/base.sql': BASE,
      'models/v.sql': "select 1 as x",
      'models/made.sql': `-- depends_on: {{ ref('base') }} {{ ref('v') }}
{% set r = api.Relation.create(schema=target.schema, identifier='base_alias') %}
{% set other = r.incorporate(path={'identifier': 'v'}) %}
{% set found = adapter.get_relation(database=none, schema=target.schema, identifier='base_alias') if execute else none %}
{% set view = load_relation(other) if execute else none %}
{% set missing = adapter.get_relation(database=none, schema=target.schema, identifier='nope') if execute else none %}
select count(*) as n, '{{ other.identifier }}' as other_id, '{{ found.is_table if found else '' }}' as found_table,
  '{{ view.is_view if view else '' }}' as found_view, '{{ missing is none }}' as missing_none
from {{ r }}`,
    });
    expectStatuses(await project.run(), { base: 'success', v: 'success', made: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.made`)).toEqual([
      { n: '1', other_id: 'v', found_table: 'True', found_view: 'True', missing_none: 'True' },
    ]);
  });

  it("information_schema(): INFORMATION_SCHEMA, with the view named — data-mie/dbt-profiler reads `{{ relation.information_schema() }}.COLUMNS`", async () => {
    const { p, project } = setup({
      'models/base.sql': BASE,
      'models/cols.sql': `select column_name, ordinal_position, '{{ ref('base').information_schema('tables') }}' as with_view
from {{ ref('base').information_schema() }}.COLUMNS
where lower(table_schema) = lower('{{ ref('base').schema }}') and lower(table_name) = lower('{{ ref('base').identifier }}')
order by ordinal_position`,
    });
    // Before: "'relation.information_schema' calls a macro of package …, which is not installed".
    expectStatuses(await project.run(), { base: 'success', cols: 'success' });
    const rows = await queryRows<{ column_name: string; with_view: string }>(project, `SELECT column_name, with_view FROM ${p.schema}.cols ORDER BY ordinal_position`);
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'name', 'opt', 'lc', 'amount', 'f']);
    expect(rows[0]!.with_view).toBe('INFORMATION_SCHEMA.tables');
  });
});

describe('Column', () => {
  it('adapter.get_columns_in_relation gives ClickHouse columns with dbt Column behaviour', async () => {
    const { p, project } = setup({
      'models/base.sql': BASE,
      'models/cols.sql': `{% set cols = adapter.get_columns_in_relation(ref('base')) if execute else [] %}
select {% for c in cols %}'{{ c.name }}|{{ c.dtype }}|{{ c.data_type }}|{{ c.quoted }}|{{ c.is_string() }}|{{ c.is_number() }}|{{ c.is_integer() }}|{{ c.is_numeric() }}|{{ c.is_float() }}|{{ c.is_nullable }}|{{ c.is_low_cardinality }}' as c{{ loop.index }}{{ ',' if not loop.last }}{% endfor %}{% if not cols %}1 as none{% endif %}`,
    });
    expectStatuses(await project.run(), { base: 'success', cols: 'success' });
    const [row] = await queryRows<Record<string, string>>(project, `SELECT * FROM ${p.schema}.cols`);
    expect(Object.values(row!)).toEqual([
      'id|UInt32|UInt32|"id"|False|True|True|False|False|False|False',
      'name|String|String|"name"|True|False|False|False|False|False|False',
      'opt|String|Nullable(String)|"opt"|True|False|False|False|False|True|False',
      'lc|String|LowCardinality(String)|"lc"|True|False|False|False|False|False|True',
      'amount|Decimal(18, 2)|Decimal(18, 2)|"amount"|False|True|False|True|False|False|False',
      'f|Float64|Float64|"f"|False|True|False|False|True|False|False',
    ]);
  });

  it('api.Column constructs and translates types as dbt-clickhouse', async () => {
    const { p, project } = setup({
      'models/api_cols.sql': `{% set c = api.Column('x', 'LowCardinality(Nullable(String))') %}
{% set d = api.Column.create('y', 'integer') %}
select '{{ c.dtype }}' as dtype, '{{ c.data_type }}' as data_type, '{{ c.string_size() }}' as size, '{{ d.data_type }}' as created,
  '{{ api.Column.translate_type('string') }}' as translated, '{{ c }}' as printed, '{{ c.literal(1) }}' as lit`,
    });
    expectStatuses(await project.run(), { api_cols: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.api_cols`)).toEqual([
      { dtype: 'String', data_type: 'LowCardinality(Nullable(String))', size: '256', created: 'Int32', translated: 'String', printed: 'x LowCardinality(Nullable(String))', lit: 'toString(1)' },
    ]);
  });
});
