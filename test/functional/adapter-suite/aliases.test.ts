import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter aliases/test_aliases.py (BaseAliases, BaseAliasErrors,
 * BaseSameAliasDifferentSchemas, BaseSameAliasDifferentDatabases), run by dbt-clickhouse
 * unchanged: `this.name` is the alias, a ref still names the file, an alias from dbt_project.yml,
 * and two models with one relation name fail the load (a "database" is a ClickHouse database, so
 * the different-databases case is the different-schemas case).
 */
const MACROS = {
  'cast.sql': `{% macro string_literal(s) -%}
  {{ adapter.dispatch('string_literal', macro_namespace='test')(s) }}
{%- endmacro %}
{% macro default__string_literal(s) %}
    '{{ s }}'::text
{% endmacro %}`,
  'expect_value.sql': `{% test expect_value(model, field, value) %}
select *
from {{ model }}
where {{ field }} != '{{ value }}'
{% endtest %}`,
};
const expectValue = (models: [string, string][]) =>
  `version: 2\nmodels:\n${models.map(([m, v]) => `- name: ${m}\n  data_tests:\n  - expect_value:\n      field: tablename\n      value: ${v}\n`).join('')}`;
const NAME = 'select {{ string_literal(this.name) }} as tablename\n';

describe('aliases (dbt-tests-adapter aliases/test_aliases.py)', () => {
  it('BaseAliases: config alias, project alias, override, ref by file name', async () => {
    const p = dbtProject({
      projectConfig: 'macro-paths: ["macros"]\nmodels:\n  test:\n    alias_in_project:\n      alias: project_alias\n    alias_in_project_with_override:\n      alias: project_alias\n',
      macros: MACROS,
      models: {
        'schema.yml': expectValue([['foo_alias', 'foo'], ['ref_foo_alias', 'ref_foo_alias'], ['alias_in_project', 'project_alias'], ['alias_in_project_with_override', 'override_alias']]),
        'foo_alias.sql': `{{\n    config(\n        alias='foo',\n        materialized='table'\n    )\n}}\n${NAME}`,
        'alias_in_project.sql': NAME,
        'alias_in_project_with_override.sql': `{{ config(alias='override_alias') }}\n${NAME}`,
        'ref_foo_alias.sql': `{{ config(materialized='table') }}\nwith trigger_ref as (\n  select * from {{ ref('foo_alias') }}\n)\n${NAME}`,
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(4);
    expect((await p.dbt(['test'])).results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect((await p.query<{ name: string }>("select name from system.tables where database = '{schema}' order by name")).map((r) => r.name)).toEqual(['foo', 'override_alias', 'project_alias', 'ref_foo_alias']);
  });

  it('BaseAliasErrors: two models with the same alias in one schema fail with "identical database representation"', async () => {
    const p = dbtProject({
      macros: MACROS,
      models: { 'model_a.sql': "{{ config(alias='duped_alias') }}\nselect 1 as id\n", 'model_b.sql': "{{ config(alias='duped_alias') }}\nselect 1 as id\n" },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/identical database representation/);
  });

  it('BaseSameAliasDifferentSchemas: the same alias in different schemas builds', async () => {
    const p = dbtProject({
      macros: MACROS,
      models: {
        'schema.yml': expectValue([['model_a', 'duped_alias'], ['model_b', 'duped_alias'], ['model_c', 'duped_alias']]),
        'model_a.sql': `{{ config(alias='duped_alias', schema='schema_a') }}\n${NAME}`,
        'model_b.sql': `{{ config(alias='duped_alias', schema='schema_b') }}\n${NAME}`,
        'model_c.sql': `-- no custom schema for this model\n{{ config(alias='duped_alias') }}\n${NAME}`,
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    expect((await p.dbt(['test'])).results.length).toBeGreaterThan(0);
    for (const s of ['schema_a', 'schema_b']) await p.query(`drop database if exists ${p.schema}_${s}`);
  });

  it('BaseSameAliasDifferentDatabases: a project-level alias, one model in another schema', async () => {
    const p = dbtProject({
      macros: MACROS,
      models: { 'schema.yml': expectValue([['model_a', 'duped_alias'], ['model_b', 'duped_alias']]), 'model_a.sql': NAME, 'model_b.sql': NAME },
      projectConfig: 'models:\n  test:\n    alias: duped_alias\n    model_b:\n      schema: alt\n',
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    expect((await p.dbt(['test'])).results.length).toBeGreaterThan(0);
    await p.query(`drop database if exists ${p.schema}_alt`);
  });
});
