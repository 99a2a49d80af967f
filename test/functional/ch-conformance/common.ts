/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/common.py: the `people` seed and its
 * source, shared by the materialized-view, dictionary and projection cases (upstream shares them too).
 */

export const PEOPLE_SEED_CSV = `id,name,age,department
1231,Dade,33,engineering
6666,Ksenia,48,engineering
8888,Kate,50,engineering
1000,Alfie,10,sales
2000,Bill,20,sales
3000,Charlie,30,sales
`;

export const SEED_SCHEMA_YML = `
version: 2

sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: people
`;
