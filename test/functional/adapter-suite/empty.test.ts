import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter empty/test_empty.py: `--empty` reads zero rows from every ref and source
 * (BaseTestEmpty, BaseTestEmptyInlineSourceRef), `seed --empty` / `build --empty` create seed tables
 * with the inferred types and no rows (BaseTestEmptySeedFlag), and metadata macros run under
 * --empty (MetadataWithEmptyFlag).
 */
const count = async (p: DbtProject, name: string) => Number((await p.query<{ n: string }>(`select count(*) as n from {schema}.${name}`))[0]!.n);
const SOURCES = 'sources:\n  - name: seed_sources\n    schema: "{{ target.schema }}"\n    tables:\n      - name: raw_source\n';

describe('--empty (dbt-tests-adapter empty/test_empty.py)', () => {
  it('BaseTestEmpty: 3 rows without --empty, 0 with it (model, ephemeral and source inputs)', async () => {
    const p = dbtProject({
      seeds: { 'raw_source.csv': 'id\n3\n' },
      models: {
        'model_input.sql': 'select 1 as id\n',
        'ephemeral_model_input.sql': "{{ config(materialized='ephemeral') }}\nselect 2 as id\n",
        'model.sql': "select *\nfrom {{ ref('model_input') }}\nunion all\nselect *\nfrom {{ ref('ephemeral_model_input') }}\nunion all\nselect *\nfrom {{ source('seed_sources', 'raw_source') }}\n",
        'sources.yml': SOURCES,
      },
      // The view reads its inputs' current rows: a table shows what the run wrote.
      projectConfig: 'models:\n  +materialized: table\n',
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await count(p, 'model')).toBe(3);
    await p.dbt(['run', '--empty']);
    expect(await count(p, 'model')).toBe(0);
  });

  it('BaseTestEmptyInlineSourceRef: a source with an alias after it', async () => {
    const p = dbtProject({
      seeds: { 'raw_source.csv': 'id\n3\n' },
      models: { 'model.sql': "select * from {{ source('seed_sources', 'raw_source') }} as raw_source\n", 'sources.yml': SOURCES },
    });
    await p.dbt(['seed']);
    await p.dbt(['run', '--empty', '--debug']);
    expect(await count(p, 'model')).toBe(0);
  });

  describe('BaseTestEmptySeedFlag', () => {
    const project = () =>
      dbtProject({
        seeds: { 'raw_seed.csv': 'id,name,price,is_active,created_at\n1,Alice,1.23,true,2024-01-01 00:00:00\n2,Bob,99.99,false,2024-06-15 12:30:00\n' },
        models: { 'model.sql': "select * from {{ ref('raw_seed') }}\n" },
      });
    it('seed --empty creates the table with zero rows, then a full seed fits its types', async () => {
      const p = project();
      await p.dbt(['seed', '--empty']);
      expect(await count(p, 'raw_seed')).toBe(0);
      await p.dbt(['seed', '--full-refresh']);
      expect(await count(p, 'raw_seed')).toBe(2);
    });
    it('build --empty: seed and model, the seed empty', async () => {
      const p = project();
      const r = await p.dbt(['build', '--empty']);
      expect(await count(p, 'raw_seed')).toBe(0);
      expect(r.results).toHaveLength(2);
    });
  });

  it.each(['control', 'get_columns_in_relation', 'alter_column_type', 'alter_relation_comment', 'alter_column_comment', 'alter_relation_add_remove_columns', 'truncate_relation'])(
    'MetadataWithEmptyFlag: run --empty --select %s',
    async (model) => {
      const p = dbtProject({
        seeds: { 'my_seed.csv': 'my_id,my_value\n1,a\n2,b\n3,c' },
        models: {
          'schema.yml': 'version: 2\nseeds:\n  - name: my_seed\n    description: "This is my_seed"\n    columns:\n      - name: id\n        description: "This is my_seed.my_id"\n',
          'control.sql': 'select * from {{ ref("my_seed") }}\n',
          'get_columns_in_relation.sql': '{{ config(materialized="table") }}\n{% set columns = adapter.get_columns_in_relation(ref("my_seed")) %}\nselect * from {{ ref("my_seed") }}\n',
          // Upstream names the column MY_VALUE: ClickHouse identifiers are case-sensitive (Postgres folds them).
          'alter_column_type.sql': '{{ config(materialized="table") }}\n{{ alter_column_type(ref("my_seed"), "my_value", "varchar") }}\nselect * from {{ ref("my_seed") }}\n',
          'alter_relation_comment.sql': '{{ config(\n    materialized="table",\n    persist_docs={"relations": True},\n) }}\nselect * from {{ ref("my_seed") }}\n',
          'alter_column_comment.sql': '{{ config(\n    materialized="table",\n    persist_docs={"columns": True},\n) }}\nselect * from {{ ref("my_seed") }}\n',
          'alter_relation_add_remove_columns.sql': `{{ config(materialized="table") }}
{% set my_seed = adapter.Relation.create(this.database, this.schema, "my_seed", "table") %}
{% set my_column = api.Column("my_column", "varchar") %}
{% do alter_relation_add_remove_columns(my_seed, [my_column], none) %}
{% do alter_relation_add_remove_columns(my_seed, none, [my_column]) %}
select * from {{ ref("my_seed") }}
`,
          'truncate_relation.sql': `{{ config(materialized="table") }}
{% set my_seed = adapter.Relation.create(this.database, this.schema, "my_seed", "table") %}
{{ truncate_relation(my_seed) }}
select * from {{ ref("my_seed") }}
`,
        },
      });
      await p.dbt(['seed']);
      await p.dbt(['run', '--empty', '--select', model]);
    },
  );
});
