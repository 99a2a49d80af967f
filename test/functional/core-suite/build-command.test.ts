import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtCase } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core's tests/functional/build_command/test_build.py (1.10.latest): `build` runs seeds,
 * snapshots, models, their tests and unit tests in DAG order, a failed node or test skipping what
 * depends on it; tests that refer to each other's models make no cycle. Fixtures as upstream
 * (build_command/fixtures.py).
 */
const seeds__country_csv = `iso3,name,iso2,iso_numeric,cow_alpha,cow_numeric,fao_code,un_code,wb_code,imf_code,fips,geonames_name,geonames_id,r_name,aiddata_name,aiddata_code,oecd_name,oecd_code,historical_name,historical_iso3,historical_iso2,historical_iso_numeric
ABW,Aruba,AW,533,,,,533,ABW,314,AA,Aruba,3577279,ARUBA,Aruba,12,Aruba,373,,,,
AFG,Afghanistan,AF,4,AFG,700,2,4,AFG,512,AF,Afghanistan,1149361,AFGHANISTAN,Afghanistan,1,Afghanistan,625,,,,
AGO,Angola,AO,24,ANG,540,7,24,AGO,614,AO,Angola,3351879,ANGOLA,Angola,7,Angola,225,,,,
AIA,Anguilla,AI,660,,,,660,AIA,312,AV,Anguilla,3573511,ANGUILLA,Anguilla,8,Anguilla,376,,,,
ALA,Aland Islands,AX,248,,,,248,ALA,,,Aland Islands,661882,ALAND ISLANDS,,,,,,,,
ALB,Albania,AL,8,ALB,339,3,8,ALB,914,AL,Albania,783754,ALBANIA,Albania,3,Albania,71,,,,
AND,Andorra,AD,20,AND,232,6,20,ADO,,AN,Andorra,3041565,ANDORRA,,,,,,,,
ANT,Netherlands Antilles,AN,530,,,,,ANT,353,NT,Netherlands Antilles,,NETHERLANDS ANTILLES,Netherlands Antilles,211,Netherlands Antilles,361,Netherlands Antilles,ANT,AN,530
ARE,United Arab Emirates,AE,784,UAE,696,225,784,ARE,466,AE,United Arab Emirates,290557,UNITED ARAB EMIRATES,United Arab Emirates,140,United Arab Emirates,576,,,,
`;
const snapshots__snap_0 = `
{% snapshot snap_0 %}

{{
    config(
      target_database=database,
      target_schema=schema,
      unique_key='iso3',

      strategy='timestamp',
      updated_at='snap_0_updated_at',
    )
}}

select *, current_timestamp as snap_0_updated_at from {{ ref('model_0') }}

{% endsnapshot %}
`;
const snapshots__snap_1 = `
{% snapshot snap_1 %}

{{
    config(
      target_database=database,
      target_schema=schema,
      unique_key='iso3',

      strategy='timestamp',
      updated_at='snap_1_updated_at',
    )
}}

SELECT
  iso3,
  name,
  iso2,
  iso_numeric,
  cow_alpha,
  cow_numeric,
  fao_code,
  un_code,
  wb_code,
  imf_code,
  fips,
  geonames_name,
  geonames_id,
  r_name,
  aiddata_name,
  aiddata_code,
  oecd_name,
  oecd_code,
  historical_name,
  historical_iso3,
  historical_iso2,
  historical_iso_numeric,
  current_timestamp as snap_1_updated_at from {{ ref('model_1') }}

{% endsnapshot %}
`;
const snapshots__snap_99 = `
{% snapshot snap_99 %}

{{
    config(
      target_database=database,
      target_schema=schema,
      strategy='timestamp',
      unique_key='num',
      updated_at='snap_99_updated_at',
    )
}}

select *, current_timestamp as snap_99_updated_at from {{ ref('model_99') }}

{% endsnapshot %}
`;
const models__model_0_sql = `
{{ config(materialized='table') }}

select * from {{ ref('countries') }}
`;
const models__model_1_sql = `
{{ config(materialized='table') }}

select * from {{ ref('snap_0') }}
`;
const models__model_2_sql = `
{{ config(materialized='table') }}

select * from {{ ref('snap_1') }}
`;
const models__model_3_sql = `
{{ config(materialized='table') }}

select * from {{ ref('model_1') }}
`;
const models__model_99_sql = `
{{ config(materialized='table') }}

select '1' as "num"
`;
const models__test_yml = `
version: 2

models:
  - name: model_0
    columns:
      - name: iso3
        data_tests:
          - unique
          - not_null
  - name: model_2
    columns:
      - name: iso3
        data_tests:
          - unique
          - not_null
`;
const unit_tests__yml = `
unit_tests:
  - name: ut_model_3
    model: model_3
    given:
      - input: ref('model_1')
        rows:
          - {iso3: ABW, name: Aruba}
    expect:
      rows:
        - {iso3: ABW, name: Aruba}
`;
const models_failing_tests__tests_yml = `
version: 2

models:
  - name: model_0
    columns:
      - name: iso3
        data_tests:
          - unique
          - not_null
      - name: historical_iso_numeric
        data_tests:
          - not_null
  - name: model_2
    columns:
      - name: iso3
        data_tests:
          - unique
          - not_null
`;
const models_failing__model_1_sql = `
{{ config(materialized='table') }}

select bad_column from {{ ref('snap_0') }}
`;
const models_circular_relationship__test_yml = `
version: 2

models:
  - name: model_0
    columns:
      - name: iso3
        data_tests:
          - relationships:
              to: ref('model_1')
              field: iso3

  - name: model_1
    columns:
      - name: iso3
        data_tests:
          - relationships:
              to: ref('model_0')
              field: iso3

`;
const models_simple_blocking__model_a_sql = `
select null as id
`;
const models_simple_blocking__model_b_sql = `
select * from {{ ref('model_a') }}
`;
const models_simple_blocking__test_yml = `
version: 2

models:
  - name: model_a
    columns:
      - name: id
        data_tests:
          - not_null
`;
const models_triple_blocking__test_yml = `
version: 2

models:
  - name: model_a
    columns:
      - name: id
        data_tests:
          - not_null
  - name: model_b
    columns:
      - name: id
        data_tests:
          - not_null
  - name: model_c
    columns:
      - name: id
        data_tests:
          - not_null
`;
const models_interdependent__model_a_sql = `
select 1 as id
`;
const models_interdependent__model_b_sql = `
select * from {{ ref('model_a') }}
`;
const models_interdependent__model_b_null_sql = `
select null from {{ ref('model_a') }}
`;
const models_interdependent__model_c_sql = `
select * from {{ ref('model_b') }}
`;
const models_interdependent__test_yml = `
version: 2

models:
  - name: model_a
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
          - relationships:
              to: ref('model_b')
              field: id
          - relationships:
              to: ref('model_c')
              field: id

  - name: model_b
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
          - relationships:
              to: ref('model_a')
              field: id
          - relationships:
              to: ref('model_c')
              field: id

  - name: model_c
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
          - relationships:
              to: ref('model_a')
              field: id
          - relationships:
              to: ref('model_b')
              field: id
`;

const base = (models: Record<string, string>): DbtCase => ({
  seeds: { 'countries.csv': seeds__country_csv },
  snapshots: { 'snap_0.sql': snapshots__snap_0, 'snap_1.sql': snapshots__snap_1, 'snap_99.sql': snapshots__snap_99 },
  projectConfig: 'seeds:\n  quote_columns: false\n',
  models,
});
const statuses = (results: { status: string }[]) => results.map((r) => r.status).sort();
const times = (status: string, n: number) => Array.from({ length: n }, () => status);

describe('build_command/test_build.py', () => {
  it('TestPassingBuild', async () => {
    const p = dbtProject(base({ 'model_0.sql': models__model_0_sql, 'model_1.sql': models__model_1_sql, 'model_2.sql': models__model_2_sql, 'model_3.sql': models__model_3_sql, 'model_99.sql': models__model_99_sql, 'test.yml': models__test_yml + unit_tests__yml }));
    await p.dbt(['build']);
  });

  it('TestFailingBuild: a failing model skips what depends on it', async () => {
    const p = dbtProject(base({ 'model_0.sql': models__model_0_sql, 'model_1.sql': models_failing__model_1_sql, 'model_2.sql': models__model_2_sql, 'model_3.sql': models__model_3_sql, 'model_99.sql': models__model_99_sql, 'test.yml': models__test_yml + unit_tests__yml }));
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results).toHaveLength(14);
    expect(statuses(r.results)).toEqual([...times('error', 1), ...times('skipped', 6), ...times('pass', 2), ...times('success', 5)].sort());
  });

  it('TestFailingTestsBuild: a failing test skips what depends on its model', async () => {
    const p = dbtProject(base({ 'model_0.sql': models__model_0_sql, 'model_1.sql': models__model_1_sql, 'model_2.sql': models__model_2_sql, 'model_99.sql': models__model_99_sql, 'test.yml': models_failing_tests__tests_yml }));
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results).toHaveLength(13);
    expect(statuses(r.results)).toEqual(['fail', ...times('skipped', 6), ...times('pass', 2), ...times('success', 4)].sort());
  });

  it('TestCircularRelationshipTestsBuild: tests referring to each other’s model make no cycle', async () => {
    const p = dbtProject(base({ 'model_0.sql': models__model_0_sql, 'model_1.sql': models__model_1_sql, 'model_99.sql': models__model_99_sql, 'test.yml': models_circular_relationship__test_yml }));
    const r = await p.dbt(['build']);
    expect(statuses(r.results)).toEqual([...times('success', 7), ...times('pass', 2)].sort());
  });

  it('TestSimpleBlockingTest: a failed test on model_a always blocks model_b', async () => {
    const p = dbtProject({ models: { 'model_a.sql': models_simple_blocking__model_a_sql, 'model_b.sql': models_simple_blocking__model_b_sql, 'test.yml': models_simple_blocking__test_yml } });
    const r = await p.dbt(['build'], { expectPass: false });
    expect(statuses(r.results)).toEqual(['fail', 'skipped', 'success']);
  });

  it('TestInterdependentModels', async () => {
    const p = dbtProject({ ...base({ 'model_a.sql': models_interdependent__model_a_sql, 'model_b.sql': models_interdependent__model_b_sql, 'model_c.sql': models_interdependent__model_c_sql, 'test.yml': models_interdependent__test_yml }), snapshots: {} });
    const r = await p.dbt(['build']);
    expect(r.results).toHaveLength(16);
  });

  it('TestInterdependentModelsFail', async () => {
    const p = dbtProject({ ...base({ 'model_a.sql': models_interdependent__model_a_sql, 'model_b.sql': models_interdependent__model_b_null_sql, 'model_c.sql': models_interdependent__model_c_sql, 'test.yml': models_interdependent__test_yml }), snapshots: {} });
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results).toHaveLength(16);
    expect(statuses(r.results)).toEqual([...times('error', 4), ...times('skipped', 7), ...times('pass', 2), ...times('success', 3)].sort());
  });

  it('TestDownstreamSelection: test+ does not select model_a’s other children', async () => {
    const p = dbtProject({ models: { 'model_a.sql': models_simple_blocking__model_a_sql, 'model_b.sql': models_simple_blocking__model_b_sql, 'test.yml': models_simple_blocking__test_yml } });
    const r = await p.dbt(['build', '--select', 'model_a not_null_model_a_id+'], { expectPass: false });
    expect(r.results).toHaveLength(2);
  });

  it('TestLimitedUpstreamSelection: 1+model_c selects up to model_b and the tests of both', async () => {
    const p = dbtProject({ models: { 'model_a.sql': models_interdependent__model_a_sql, 'model_b.sql': models_interdependent__model_b_sql, 'model_c.sql': models_interdependent__model_c_sql, 'test.yml': models_triple_blocking__test_yml } });
    const r = await p.dbt(['build', '--select', '1+model_c'], { expectPass: false });
    expect(r.results).toHaveLength(4);
  });
});
