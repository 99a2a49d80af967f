/*
 * dbt-core tests/functional/configs/fixtures.py: BaseConfigProject (a source with Jinja-configured tests, a
 * tagged model configured twice, a seed, two singular tests), shared by the configs ports.
 */
export const SCHEMA_YML = `
version: 2
sources:
  - name: raw
    database: "{{ target.database }}"
    schema: "{{ target.schema }}"
    tables:
      - name: 'seed'
        identifier: "{{ var('seed_name', 'invalid') }}"
        columns:
          - name: id
            data_tests:
              - unique:
                  enabled: "{{ var('enabled_direct', None) | as_native }}"
              - accepted_values:
                  enabled: "{{ var('enabled_direct', None) | as_native }}"
                  severity: "{{ var('severity_direct', None) | as_native }}"
                  values: [1,2]

models:
  - name: model
    columns:
      - name: id
        data_tests:
          - unique
          - accepted_values:
              values: [1,2,3,4]

`;
export const BASE_CONFIG_PROJECT = {
  models: {
    'schema.yml': SCHEMA_YML,
    'untagged.sql': "\n{{\n    config(materialized='table')\n}}\n\nselect id, value from {{ source('raw', 'seed') }}\n\n",
    'tagged/model.sql': "\n{{\n    config(\n        materialized='view',\n        tags=['tag_two'],\n    )\n}}\n\n{{\n    config(\n        materialized='table',\n        tags=['tag_three'],\n    )\n}}\n\nselect 4 as id, 2 as value\n\n",
  },
  seeds: { 'seed.csv': 'id,value\n4,2\n' },
  tests: {
    'failing.sql': '\n\nselect 1 as fun\n\n',
    'sleeper_agent.sql': "\n{{ config(\n    enabled = var('enabled_direct', False),\n    severity = var('severity_direct', 'WARN')\n) }}\n\nselect 1 as fun\n\n",
  },
};
