import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/sources/test_source_loaded_at_field.py (TestParsingLoadedAtField) and
 * model_config/test_freshness_config.py (TestModelFreshnessConfig: a model's `freshness` config,
 * dbt 1.10's build_after, parses and compiles).
 */
const SOURCE = (table: string) => `
sources:
  - name: test_source
    freshness:
      warn_after:
        count: 1
        period: day
      error_after:
        count: 4
        period: day
    loaded_at_field: updated_at
    tables:
      - name: table1
${table}`;

describe('loaded_at_field (sources/test_source_loaded_at_field.py)', () => {
  it('TestParsingLoadedAtField: null at the table clears the source\'s, absent inherits it, a value wins, "" is an error', async () => {
    const p = dbtProject({ models: { 'schema.yml': SOURCE('        loaded_at_field: null\n') } });
    const loadedAt = async () => {
      await p.dbt(['parse']);
      return p.readJson('target/manifest.json').sources['source.test.test_source.table1'].loaded_at_field;
    };
    expect(await loadedAt()).toBeNull();
    p.write({ 'models/schema.yml': SOURCE('') });
    expect(await loadedAt()).toBe('updated_at');
    p.write({ 'models/schema.yml': SOURCE('        loaded_at_field: null\n') });
    expect(await loadedAt()).toBeNull();
    p.write({ 'models/schema.yml': SOURCE('        loaded_at_field: updated_at_another_place\n') });
    expect(await loadedAt()).toBe('updated_at_another_place');
    p.write({ 'models/schema.yml': SOURCE('        loaded_at_field: ""\n') });
    await p.dbt(['parse'], { expectPass: false });
  });
});

describe('model freshness config (model_config/test_freshness_config.py)', () => {
  it('TestModelFreshnessConfig: models with freshness / build_after configs parse and compile', async () => {
    const p = dbtProject({
      models: {
        'schema.yml': `
version: 2

sources:
  - name: my_source
    database: "{{ target.database }}"
    schema: "{{ target.schema }}"
    config:
      freshness:
        warn_after: {count: 24, period: hour}
        error_after: {count: 48, period: hour}
    loaded_at_field: _loaded_at
    tables:
      - name: source_table
        identifier: source_table

models:
  - name: model_a
    description: Model with no freshness defined
  - name: model_b
    description: Model with only model freshness defined
    config:
      freshness:
        build_after:
          count: 1
          period: day
          updates_on: all
  - name: model_c
    description: Model with only source freshness defined
    config:
      freshness:
        warn_after: {count: 24, period: hour}
        error_after: {count: 48, period: hour}
    loaded_at_field: _loaded_at
    tables:
      - name: source_table
        identifier: source_table
`,
        'model_a.sql': '\nselect 1 as id\n',
        'model_b.sql': '\nselect 1 as id\n',
        'model_c.sql': "\nselect * from {{ source('my_source', 'source_table') }}\n",
        'model_d.sql': "\nselect * from {{ source('my_source', 'source_table') }}\n",
        'model_e.sql': "\n{{ config(\n    materialized='table',\n    freshness={\n        'warn_after': {'count': 24, 'period': 'hour'}\n    }\n) }}\nselect 1 as id\n",
      },
    });
    await p.dbt(['parse']);
    const r = await p.dbt(['compile']);
    expect(r.out.join('\n')).toMatch(/Compiled 5 nodes/);
    const nodes = p.readJson('target/manifest.json').nodes;
    expect(nodes['model.test.model_b'].config.freshness).toEqual({ build_after: { count: 1, period: 'day', updates_on: 'all' } });
  });
});
