import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/custom_aliases/test_custom_aliases.py (TestAliases,
 * TestAliasesWithConfig): a project generate_alias_name gets the config alias (and node.config),
 * and `this.name` is the generated alias. `::text` is ClickHouse's too.
 */
const MODEL1 = "\n{{ config(materialized='table', alias='alias') }}\n\nselect {{ string_literal(this.name) }} as model_name\n";
const MODEL2 = "\n{{ config(materialized='table') }}\n\nselect {{ string_literal(this.name) }} as model_name\n";
const STRING_LITERAL = `
{% macro string_literal(s) -%}
  {{ adapter.dispatch('string_literal', macro_namespace='test')(s) }}
{%- endmacro %}

{% macro default__string_literal(s) %}
    '{{ s }}'::text
{% endmacro %}
`;
const MACROS = `
{% macro generate_alias_name(custom_alias_name, node) -%}
    {%- if custom_alias_name is none -%}
        {{ node.name }}
    {%- else -%}
        custom_{{ custom_alias_name | trim }}
    {%- endif -%}
{%- endmacro %}
${STRING_LITERAL}`;
const MACROS_CONFIG = `
{#-- Verify that the config['alias'] key is present #}
{% macro generate_alias_name(custom_alias_name, node) -%}
    {%- if custom_alias_name is none -%}
        {{ node.name }}
    {%- else -%}
        custom_{{ node.config['alias'] if 'alias' in node.config else '' | trim }}
    {%- endif -%}
{%- endmacro %}
${STRING_LITERAL}`;
const SCHEMA = `
version: 2

models:
  - name: model1
    columns:
      - name: model_name
        data_tests:
          - accepted_values:
             values: ['custom_alias']
  - name: model2
    columns:
      - name: model_name
        data_tests:
          - accepted_values:
             values: ['model2']

`;

describe('custom aliases (custom_aliases/test_custom_aliases.py)', () => {
  it.each([
    ['TestAliases', MACROS],
    ['TestAliasesWithConfig', MACROS_CONFIG],
  ])('%s: generate_alias_name names the relation and this.name', async (_, macros) => {
    const p = dbtProject({ models: { 'model1.sql': MODEL1, 'model2.sql': MODEL2, 'schema.yml': SCHEMA }, macros: { 'macros.sql': macros } });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    expect((await p.dbt(['test'])).results).toHaveLength(2);
    expect(await p.relationTypes(['custom_alias', 'model2'])).toEqual({ custom_alias: 'table', model2: 'table' });
  });
});
