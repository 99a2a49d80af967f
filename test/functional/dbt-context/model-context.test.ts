import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * dbt's `model` context variable is the node's dict (node.to_dict()): alias, schema, database,
 * columns, description, raw_code… A custom materialization copied from dbt's own reads
 * `model['alias']`; models and macros loop over `model.columns`.
 */
const setup = openedPerTest();

describe('the model context variable', () => {
  it("a model's SQL reads its final alias and schema, its YAML columns and description (as dbt's compile renders with the patched node)", async () => {
    const { p, project } = setup({
      'models/m.sql': `{{ config(alias='m_final', materialized='table') }}
select '{{ model.alias }}' as alias, '{{ model.schema }}' as schema_name, '{{ model.name }}' as name,
  '{{ model.description }}' as description, '{{ model.columns.keys() | sort | join(",") }}' as cols`,
      'models/schema.yml': `version: 2
models:
  - name: m
    description: the m model
    columns:
      - name: alias
      - name: cols
`,
    });
    expectStatuses(await project.run(), { m: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.m_final`)).toEqual([{ alias: 'm_final', schema_name: p.schema, name: 'm', description: 'the m model', cols: 'alias,cols' }]);
  });

  it("dbt's view materialization copied as the project's reads model['alias'] and builds twice", async () => {
    const { p, project } = setup({
      'models/v.sql': "{{ config(materialized='view') }}\nselect 1 as id",
      'macros/view.sql': `{% materialization view, adapter='clickhouse' %}
  {%- set identifier = model['alias'] -%}
  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- set target_relation = api.Relation.create(identifier=identifier, schema=schema, database=database, type='view') -%}
  {%- set intermediate_relation = api.Relation.create(identifier=model['name'] + '__dbt_tmp', schema=schema, database=database, type='view') -%}
  {%- set backup_relation = api.Relation.create(identifier=model['name'] + '__dbt_backup', schema=schema, database=database, type='view') -%}
  {{ adapter.drop_relation(intermediate_relation) }}
  {{ adapter.drop_relation(backup_relation) }}
  {% call statement('main') -%}
    {{ create_view_as(intermediate_relation, sql) }}
  {%- endcall %}
  {% if old_relation is not none %}{{ adapter.rename_relation(target_relation, backup_relation) }}{% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}
  {{ drop_relation_if_exists(backup_relation) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}`,
    });
    expectStatuses(await project.run(), { v: 'success' });
    expectStatuses(await project.run(), { v: 'success' });
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([{ name: 'v' }]);
    expect(await queryRows(project, `SELECT id FROM ${p.schema}.v`)).toEqual([{ id: 1 }]);
  });

  it("model.config holds dbt's config defaults: alias/schema/database None when unset, a test's schema dbt_test__audit (TestConfig)", async () => {
    const { p, project } = setup({
      'models/m.sql': "select {{ model.config.alias is none }} as alias_none, {{ model.config.schema is none }} as schema_none, {{ model.config.database is none }} as database_none, {{ config.get('alias') is none }} as get_alias_none",
      'models/n.sql': "{{ config(alias='n_final', schema='extra') }}\nselect '{{ model.config.alias }}' as alias, '{{ model.config.schema }}' as custom",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: alias_none\n        data_tests:\n          - accepted_values:\n              values: [1]\n',
      // Fails (a row) unless its schema is the TestConfig default, read both ways.
      'tests/audit_schema.sql': "select 1 as bad from {{ ref('m') }} where '{{ config.get('schema') }}|{{ model.config.schema }}' != 'dbt_test__audit|dbt_test__audit'",
    });
    expectStatuses(await project.run(), { m: 'success', n: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.m`)).toEqual([{ alias_none: true, schema_none: true, database_none: true, get_alias_none: true }]);
    expect(await queryRows(project, `SELECT * FROM ${p.schema}_extra.n_final`)).toEqual([{ alias: 'n_final', custom: 'extra' }]);
    const tested = await project.test();
    expect(tested.results.map((r) => r.status).sort()).toEqual(['pass', 'pass']);
    // manifest.json: a test's config.schema is dbt_test__audit (its relation <schema>_dbt_test__audit), a model's unset keys None.
    const nodes = JSON.parse(readFileSync(join(p.dir, 'target', 'manifest.json'), 'utf8')).nodes;
    expect([nodes['test.proj.audit_schema']?.config.schema, nodes['test.proj.audit_schema']?.schema]).toEqual(['dbt_test__audit', `${p.schema}_dbt_test__audit`]);
    expect(nodes['model.proj.m'].config).toMatchObject({ alias: null, schema: null, database: null });
  });
});
