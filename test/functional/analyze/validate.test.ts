import { describe, expect, it } from 'vitest';
import { openedPerTest, queryRows } from '../../helpers/inline-project.js';
import { CLEAN_PROJECT, DEFECTS_PROJECT, SOURCES_YML } from './validate-fixture.js';

const setup = openedPerTest();

const where = (issues: readonly { uniqueId: string; file: string; line?: number; column?: number; code: string }[]) =>
  Object.fromEntries(issues.map((i) => [i.uniqueId.split('.').slice(0, 3).join('.'), `${i.file}:${i.line}:${i.column} ${i.code}`]));

describe('tsdbt validate', () => {
  it('reports every class of defect with its file, line and ClickHouse message, in one run', async () => {
    const { project } = setup(DEFECTS_PROJECT);
    const analysis = await project.validate();
    expect(where(analysis.issues)).toEqual({
      'model.proj.bad_unknown_column': 'models/bad_unknown_column.sql:3:5 UNKNOWN_IDENTIFIER',
      // the unknown table is written in the macro: its file and line, and the model line that called it
      'model.proj.bad_macro_table': 'macros/tables.sql:2:5 UNKNOWN_TABLE',
      'model.proj.bad_union': 'models/bad_union.sql:2:1 NO_COMMON_TYPE',
      'model.proj.bad_join': 'models/bad_join.sql:5:10 NO_COMMON_TYPE',
      'model.proj.bad_compare': 'models/bad_compare.sql:3:7 NO_COMMON_TYPE',
      'model.proj.bad_qualified': 'models/bad_qualified.sql:4:5 qualified_column',
      'model.proj.bad_aggregate': 'models/bad_aggregate.sql:2:5 NOT_AN_AGGREGATE',
      'test.proj.bad_singular': 'tests/bad_singular.sql:3:22 UNKNOWN_IDENTIFIER',
      // a generic test on a column that does not exist: its YAML entry
      'test.proj.not_null_stg_orders_user_iid': 'models/schema.yml:8:undefined UNKNOWN_IDENTIFIER',
    });
    const byNode = new Map(analysis.issues.map((i) => [i.uniqueId.split('.')[2], i]));
    expect(byNode.get('bad_unknown_column')).toMatchObject({ message: 'Unknown expression identifier `user_idd`', hint: "Did you mean 'user_id'?", clickhouseCode: 47 });
    expect(byNode.get('bad_macro_table')).toMatchObject({ via: 'models/bad_macro_table.sql:3', message: "Unknown table expression identifier 'raw.orderz'" });
    expect(byNode.get('bad_union')!.message).toMatch(/no supertype for types UInt32, String/);
    expect(byNode.get('bad_join')!.message).toMatch(/JOIN cannot infer common type in ON section/);
    expect(byNode.get('bad_qualified')!.hint).toBe("Alias it: u.user_id AS user_id (downstream models cannot select 'user_id' otherwise).");
    expect(byNode.get('bad_singular')!.hint).toBe("Did you mean 'amount'?");
    // a broken model's descendants are not validated, and are no error of their own
    const child = analysis.nodes.get('model.proj.child_of_bad')!;
    expect(child).toMatchObject({ status: 'not_validated', blockedBy: 'model.proj.bad_unknown_column' });
    expect(analysis.nodes.get('model.proj.stg_orders')!.status).toBe('valid');
  });

  it('validates a correct project clean and types every model, seed and source', async () => {
    const { project } = setup(CLEAN_PROJECT);
    const analysis = await project.validate();
    expect(analysis.issues).toEqual([]);
    expect([...analysis.nodes.values()].filter((n) => n.status !== 'valid')).toEqual([]);
    const columns = (name: string) => Object.fromEntries(analysis.nodes.get(name)!.columns.map((c) => [c.name, c.type]));
    expect(columns('model.proj.user_totals')).toEqual({ user_id: 'UInt32', user_name: 'String', orders: 'UInt64', revenue: 'Float64' });
    expect(columns('model.proj.prior_orders')).toEqual({ order_id: 'UInt32', user_id: 'UInt32', eval_set: 'String', amount: 'Float64', ordered_at: 'DateTime' });
    expect(columns('seed.proj.countries')).toEqual({ code: 'String', name: 'String', population: 'Int32' });
    expect(columns('source.proj.raw.users')).toEqual({ user_id: 'UInt32', name: 'String' });
    // tests were planned too
    expect(analysis.selected.filter((id) => id.startsWith('test.')).sort()).toEqual([
      'test.proj.no_negative_revenue', expect.stringMatching(/^test\.proj\.not_null_user_totals_user_id/), expect.stringMatching(/^test\.proj\.unique_user_totals_user_id/),
    ]);
    // and nothing was built in the user's warehouse
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${project.target.schema}'`)).toEqual([]);
  });

  it('validates ephemeral models on their own and incremental models both ways', async () => {
    const { project } = setup({
      'sources.yml': SOURCES_YML,
      'models/stg_orders.sql': "select * from {{ source('raw', 'orders') }}\n",
      'models/broken_ephemeral.sql': "{{ config(materialized='ephemeral') }}\nselect order_id,\n       amout\nfrom {{ ref('stg_orders') }}\n",
      'models/uses_ephemeral.sql': "select * from {{ ref('broken_ephemeral') }}\n",
      'models/events.sql': `{{ config(materialized='incremental', order_by='order_id') }}
select order_id, ordered_at
from {{ ref('stg_orders') }}
{% if is_incremental() %}
where ordered_at > (select max(ordered_att) from {{ this }})
{% endif %}
`,
    });
    const analysis = await project.validate();
    expect(where(analysis.issues)).toEqual({
      'model.proj.broken_ephemeral': 'models/broken_ephemeral.sql:3:8 UNKNOWN_IDENTIFIER',
      'model.proj.events': 'models/events.sql:5:32 UNKNOWN_IDENTIFIER',
    });
    const events = analysis.issues.find((i) => i.uniqueId === 'model.proj.events')!;
    expect(events).toMatchObject({ variant: 'is_incremental', hint: "Did you mean 'ordered_at'?" });
    expect(events.message).toMatch(/with is_incremental\(\) true/);
    expect(analysis.nodes.get('model.proj.uses_ephemeral')).toMatchObject({ status: 'not_validated', blockedBy: 'model.proj.broken_ephemeral' });
    // the first build (is_incremental() false) was fine: its columns are known
    expect(analysis.nodes.get('model.proj.events')!.columns.map((c) => c.name)).toEqual(['order_id', 'ordered_at']);
  });

  it('maps errors through Jinja loops, sets and conditionals to the template line', async () => {
    const { project } = setup({
      'sources.yml': SOURCES_YML,
      'models/pivot.sql': `{% set sets = ['prior', 'train'] %}
{% set metric = 'amount' %}
select
{% if var('legacy', false) %}
    min(orderd_at) as legacy_first,
{% endif %}
    user_id,
{%- for s in sets %}
    sum(if(eval_set = '{{ s }}', {{ metric }}, 0)) as {{ s }}_amount,
{%- endfor %}
    max(ordered_at) as last_order,
    min(orderd_at) as first_order
from {{ source('raw', 'orders') }}
group by user_id
`,
    });
    const [issue] = (await project.validate()).issues;
    // (the same typo in the branch not rendered, above, is not where the error is)
    expect(issue).toMatchObject({ file: 'models/pivot.sql', line: 12, column: 9, code: 'UNKNOWN_IDENTIFIER', hint: "Did you mean 'ordered_at'?" });
  });

  it('points at the SELECT ClickHouse names when the unknown name occurs several times (the t.col trap inside a CTE)', async () => {
    const { project } = setup({
      'sources.yml': SOURCES_YML,
      'models/stg_orders.sql': "select * from {{ source('raw', 'orders') }}\n",
      'models/stg_users.sql': "select * from {{ source('raw', 'users') }}\n",
      // dbt_semantics names base.user_id user_id (execute/dbt-semantics/join-column-names.ts): without it, ClickHouse's trap.
      'models/joined.sql': `{{ config(dbt_semantics=false) }}
with base as (
    select user_id, amount from {{ ref('stg_orders') }}
),
enriched as (
    select base.user_id, u.name
    from base
    left join {{ ref('stg_users') }} as u on u.user_id = base.user_id
    left join {{ ref('stg_users') }} as u2 on u2.user_id = base.user_id
)
select
    user_id,
    name
from enriched
`,
    });
    const [issue] = (await project.validate()).issues;
    // line 3 and line 6 also say user_id; the SELECT in error is the last one
    expect(issue).toMatchObject({ file: 'models/joined.sql', line: 12, column: 5, code: 'UNKNOWN_IDENTIFIER' });
    expect(issue!.hint).toMatch(/^'user_id' is a column of the model's inputs, but not of the SELECT that reads it/);
  });

  it('builds snapshots empty with dbt meta columns, for the models that read them', async () => {
    const { project } = setup({
      'sources.yml': SOURCES_YML,
      'snapshots/orders_snapshot.sql': `{% snapshot orders_snapshot %}
{{ config(unique_key='order_id', strategy='timestamp', updated_at='ordered_at') }}
select order_id, amount, ordered_at from {{ source('raw', 'orders') }}
{% endsnapshot %}
`,
      'models/current_orders.sql': "select order_id, amount from {{ ref('orders_snapshot') }} where dbt_valid_to is null and amout > 0\n",
    });
    const analysis = await project.validate();
    expect(analysis.nodes.get('snapshot.proj.orders_snapshot')!.columns.map((c) => c.name)).toEqual([
      'order_id', 'amount', 'ordered_at', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to',
    ]);
    expect(where(analysis.issues)).toEqual({ 'model.proj.current_orders': 'models/current_orders.sql:1:90 UNKNOWN_IDENTIFIER' });
  });

  it('answers run_query() while rendering from the scratch warehouse, seeds with their rows', async () => {
    const { project } = setup({
      'seeds/kinds.csv': 'kind\nfizz\nbuzz\n',
      'models/pivot_kinds.sql': `{% set rows = run_query("select kind from " ~ ref('kinds') ~ " order by kind").rows if execute else [] %}
select {% for r in rows %}'{{ r[0] }}' as {{ r[0] }}{% if not loop.last %}, {% endif %}{% endfor %}
`,
    });
    const analysis = await project.validate();
    expect(analysis.issues).toEqual([]);
    expect(analysis.nodes.get('model.proj.pivot_kinds')!.columns.map((c) => c.name)).toEqual(['buzz', 'fizz']);
  });

  it('validates sources over the project\'s own seeds (and two sources of one table): one table, the seed\'s columns', async () => {
    const { project } = setup({
      'seeds/raw_orders.csv': 'order_id,amount\n1,10.5\n2,20\n',
      'sources.yml': `version: 2
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: raw_orders
        columns:
          - name: order_id
            tests: [unique]
  - name: raw_again
    schema: "{{ target.schema }}"
    tables:
      - name: orders
        identifier: raw_orders
`,
      'models/stg_orders.sql': "select order_id, amount from {{ source('raw', 'raw_orders') }}\n",
      'models/stg_again.sql': "select order_id from {{ source('raw_again', 'orders') }}\n",
    });
    // As after `tsdbt seed`: the target has the table too (the source's columns are read from it).
    await project.seed();
    const analysis = await project.validate();
    expect(analysis.issues).toEqual([]);
    expect([...analysis.nodes.values()].filter((n) => n.status !== 'valid')).toEqual([]);
    const columns = (id: string) => Object.fromEntries(analysis.nodes.get(id)!.columns.map((c) => [c.name, c.type]));
    expect(columns('source.proj.raw.raw_orders')).toEqual(columns('seed.proj.raw_orders'));
    expect(columns('model.proj.stg_orders')).toEqual({ order_id: 'Int32', amount: 'Float64' });
    expect(columns('model.proj.stg_again')).toEqual({ order_id: 'Int32' });
  });

  it('reads source columns from the target when it has the table, else from YAML, else says which types to add', async () => {
    const { project } = setup({
      'sources.yml': `version: 2
sources:
  - name: live
    schema: "live_{{ target.schema }}"
    tables:
      - name: events
        columns:
          - name: id
            data_type: String
      - name: undeclared
      - name: partly
        columns:
          - name: a
            data_type: UInt8
          - name: b
`,
      'models/from_live.sql': "select id, payload, upper(payload) as p from {{ source('live', 'events') }} final\n",
      'models/from_undeclared.sql': "select * from {{ source('live', 'undeclared') }}\n",
      'models/from_partly.sql': "select * from {{ source('live', 'partly') }}\n",
    });
    const schema = `live_${project.target.schema}`;
    // The target's table has other columns than the YAML says (and a ReplacingMergeTree engine): the target wins.
    const client = (await project.adapter()).client;
    await client.command(`CREATE DATABASE IF NOT EXISTS ${schema}`);
    await client.command(`CREATE TABLE ${schema}.events (id UInt64, payload String, version UInt32) ENGINE = ReplacingMergeTree(version) ORDER BY id`);
    const analysis = await project.validate();
    expect(Object.fromEntries(analysis.nodes.get('model.proj.from_live')!.columns.map((c) => [c.name, c.type]))).toEqual({ id: 'UInt64', payload: 'String', p: 'String' });
    expect(analysis.issues.map((i) => ({ id: i.uniqueId, code: i.code, file: i.file, line: i.line, hint: i.hint }))).toEqual([
      { id: 'source.proj.live.partly', code: 'source_types', file: 'sources.yml', line: 11, hint: 'Add data_type to b in sources.yml, or create the table in the target.' },
      { id: 'source.proj.live.undeclared', code: 'source_types', file: 'sources.yml', line: 10, hint: expect.stringContaining('List its columns with a data_type') },
    ]);
    expect(analysis.nodes.get('model.proj.from_undeclared')!.status).toBe('not_validated');
    await client.command(`DROP DATABASE ${schema}`);
  });
});
