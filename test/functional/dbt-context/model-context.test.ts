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
});
