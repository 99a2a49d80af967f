import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, statusByName } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/severity/test_severity.py (a test's severity from a var, generic tests
 * of a source and a model, a singular test), run_query/test_types.py (a nested value of run_query's
 * table), statements/test_statements.py (statement + load_result: `data` matrix and `table` rows,
 * loading one result twice). ClickHouse SQL: `[1, 2, 3, 4]` for `ARRAY[1, 2, 3, 4]`.
 */
const SEVERITY_SEED = `id,first_name,last_name,email,gender,ip_address,updated_at
1,Judith,Kennedy,jkennedy0@phpbb.com,Female,54.60.24.128,2015-12-24 12:19:28
2,Arthur,Kelly,akelly1@eepurl.com,Male,62.56.24.215,2015-10-28 16:22:15
3,Rachel,Moreno,rmoreno2@msu.edu,Female,31.222.249.23,2016-04-05 02:05:30
4,Ralph,Turner,rturner3@hp.com,Male,157.83.76.114,2016-08-08 00:06:51
5,Laura,Gonzales,lgonzales4@howstuffworks.com,Female,30.54.105.168,2016-09-01 08:25:38
6,Katherine,Lopez,null,Female,169.138.46.89,2016-08-30 18:52:11
7,Jeremy,Hamilton,jhamilton6@mozilla.org,Male,231.189.13.133,2016-07-17 02:09:46
8,Heather,Rose,hrose7@goodreads.com,Female,87.165.201.65,2015-12-29 22:03:56
9,Gregory,Kelly,gkelly8@trellian.com,Male,154.209.99.7,2016-03-24 21:18:16
10,Rachel,Lopez,rlopez9@themeforest.net,Female,237.165.82.71,2016-08-20 15:44:49
11,Donna,Welch,dwelcha@shutterfly.com,Female,103.33.110.138,2016-02-27 01:41:48
12,Russell,Lawrence,rlawrenceb@qq.com,Male,189.115.73.4,2016-06-11 03:07:09
13,Michelle,Montgomery,mmontgomeryc@scientificamerican.com,Female,243.220.95.82,2016-06-18 16:27:19
14,Walter,Castillo,null,Male,71.159.238.196,2016-10-06 01:55:44
15,Robin,Mills,rmillse@vkontakte.ru,Female,172.190.5.50,2016-10-31 11:41:21
16,Raymond,Holmes,rholmesf@usgs.gov,Male,148.153.166.95,2016-10-03 08:16:38
17,Gary,Bishop,gbishopg@plala.or.jp,Male,161.108.182.13,2016-08-29 19:35:20
18,Anna,Riley,arileyh@nasa.gov,Female,253.31.108.22,2015-12-11 04:34:27
19,Sarah,Knight,sknighti@foxnews.com,Female,222.220.3.177,2016-09-26 00:49:06
20,Phyllis,Fox,pfoxj@creativecommons.org,Female,163.191.232.95,2016-08-21 10:35:19
`;
const SEVERITY_SCHEMA = `version: 2
sources:
  - name: raw
    database: "{{ target.database }}"
    schema: "{{ target.schema }}"
    tables:
      - name: sample_seed
        columns:
          - name: email
            data_tests:
              - not_null:
                  severity: "{{ 'error' if var('strict', false) else 'warn' }}"
models:
  - name: sample_model
    columns:
      - name: email
        data_tests:
          - not_null:
              severity: "{{ 'error' if var('strict', false) else 'warn' }}"
`;

describe('severity (severity/test_severity.py)', () => {
  it('TestSeverity: warn by default, fail with strict, for generic and singular tests', async () => {
    const p = dbtProject({
      models: { 'sample_model.sql': '\nselect * from {{ source("raw", "sample_seed") }}\n', 'schema.yml': SEVERITY_SCHEMA },
      seeds: { 'sample_seed.csv': SEVERITY_SEED },
      tests: { 'null_email.sql': "\n{{ config(severity='error' if var('strict', false) else 'warn') }}\nselect * from {{ ref(\"sample_model\") }} where email is null\n" },
      projectConfig: 'seed-paths: ["seeds"]\ntest-paths: ["tests"]\nseeds:\n  quote_columns: false\n',
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    const check = (r: { results: { status: string; failures: number | null }[] }, n: number, status: string) => {
      expect(r.results.length).toBe(n);
      expect(r.results.map((x) => [x.status, x.failures])).toEqual(Array(n).fill([status, 2]));
    };
    check(await p.dbt(['test', '--select', 'test_type:generic']), 2, 'warn');
    check(await p.dbt(['test', '--select', 'test_type:generic', '--vars', '{"strict": True}'], { expectPass: false }), 2, 'fail');
    check(await p.dbt(['test', '--select', 'test_type:singular']), 1, 'warn');
    check(await p.dbt(['test', '--select', 'test_type:singular', '--vars', '{"strict": True}'], { expectPass: false }), 1, 'fail');
  });
});

describe('run_query (run_query/test_types.py)', () => {
  it('TestTypes: an array value of run_query is JSON-stringified', async () => {
    const p = dbtProject({
      macros: {
        'macros.sql': `
{% macro test_array_results() %}
    {% set sql %}
        select [1, 2, 3, 4] as mydata
    {% endset %}
    {% set result = run_query(sql) %}
    {% set value = result.columns['mydata'][0] %}
    {# This will be json-stringified #}
    {% if value != "[1, 2, 3, 4]" %}
        {% do exceptions.raise_compiler_error("Value was " ~ value) %}
    {% endif %}
{% endmacro %}
`,
      },
    });
    const r = await p.dbt(['run-operation', 'test_array_results']);
    expect(r.code).toBe(0);
  });
});

const STATEMENT_SEED = `id,first_name,last_name,email,gender,ip_address\n${Array.from({ length: 100 }, (_, i) => `${i + 1},First${i},Last${i},user${i}@example.com,${i % 2 ? 'Male' : 'Female'},10.0.${i}.1`).join('\n')}\n`;
const STATEMENT_HEAD = (name: string) => `
-- {{ ref('seed') }}

{%- call statement('${name}', fetch_result=True) -%}

  select
    count(*) as "num_records"

  from {{ ref('seed') }}

{%- endcall -%}
`;
const STATEMENT_BODY = `
{% set res_table = result['table'] %}
{% set res_matrix = result['data'] %}

{% set matrix_value = res_matrix[0][0] %}
{% set table_value = res_table[0]['num_records'] %}

select 'matrix' as source, {{ matrix_value }} as value
union all
select 'table' as source, {{ table_value }} as value
`;
const STATEMENT_MODEL = (name: string, loads: number, body: boolean) =>
  STATEMENT_HEAD(name) + `\n{% set result = load_result('${name}') %}`.repeat(loads) + '\n' + (body ? STATEMENT_BODY : '\nselect 1\n');

describe('statements (statements/test_statements.py)', () => {
  const project = () =>
    dbtProject({
      models: {
        'statement_actual.sql': STATEMENT_MODEL('test_statement', 1, true),
        'statement_duplicated_load.sql': STATEMENT_MODEL('test_statement', 2, false),
        'statement_load_main_twice.sql': STATEMENT_MODEL('main', 2, true),
      },
      files: { 'seed/seed.csv': STATEMENT_SEED, 'seed/statement_expected.csv': 'source,value\nmatrix,100\ntable,100\n' },
      projectConfig: 'seeds:\n  quote_columns: false\nseed-paths: ["seed"]\n',
    });

  it('TestStatements.test_postgres_statements: load_result data and table', async () => {
    const p = project();
    expect((await p.dbt(['seed'])).results.length).toBe(2);
    expect((await p.dbt(['run', '-m', 'statement_actual'])).results.length).toBe(1);
    await expectRelationsEqual(p, ['statement_actual', 'statement_expected']);
  });

  it('TestStatements.test_duplicated_load_statements: a result loaded twice is an error', async () => {
    const p = project();
    await p.dbt(['seed']);
    const r = await p.dbt(['run', '-m', 'statement_duplicated_load'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ statement_duplicated_load: 'error' });
    expect(r.results[0]!.message).toContain("The 'statement' result named 'test_statement' has already been loaded into a variable");
  });

  it("TestStatements.test_load_statement_on_main_twice: 'main' may be loaded twice", async () => {
    const p = project();
    await p.dbt(['seed']);
    expect((await p.dbt(['run', '-m', 'statement_load_main_twice'])).results.length).toBe(1);
    await expectRelationsEqual(p, ['statement_load_main_twice', 'statement_expected']);
  });
});
