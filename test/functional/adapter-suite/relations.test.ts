import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter relations/test_changing_relation_type.py (BaseChangeRelationTypeValidator, run
 * by dbt-clickhouse unchanged): one model switched view → table → view → incremental → table
 * (--full-refresh) through --vars; each run builds the relation of its materialization. And
 * relations/test_dropping_schema_named.py (BaseDropSchemaNamed).
 */
const MODEL = `
{{ config(materialized=var('materialized')) }}

select '{{ var("materialized") }}' as materialization

{% if var('materialized') == 'incremental' and is_incremental() %}
    where 'abc' != (select max(materialization) from {{ this }})
{% endif %}
`;

describe('relations (dbt-tests-adapter relations/)', () => {
  it('BaseChangeRelationTypeValidator: changing the materialization changes the relation type', async () => {
    const p = dbtProject({ models: { 'model_mc_modelface.sql': MODEL } });
    const runAndCheck = async (materialization: string, extra: string[] = []) => {
      const r = await p.dbt(['run', '--vars', `materialized: ${materialization}`, ...extra]);
      expect(r.results).toHaveLength(1);
      const manifest = p.readJson('target/manifest.json');
      expect(manifest.nodes['model.test.model_mc_modelface'].config.materialized).toBe(materialization);
      const kind = (await p.relationTypes(['model_mc_modelface'])).model_mc_modelface;
      expect(kind).toBe(materialization === 'view' ? 'view' : 'table');
      expect(await p.rows('model_mc_modelface')).toEqual([[materialization]]);
    };
    await runAndCheck('view');
    await runAndCheck('table');
    await runAndCheck('view');
    await runAndCheck('incremental');
    await runAndCheck('table', ['--full-refresh']);
  });

  it("BaseDropSchemaNamed: run-operation drop_schema_named drops the schema (dbt's macro)", async () => {
    const p = dbtProject({ models: { 'model_a.sql': 'select 1 as id' } });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    await p.dbt(['run-operation', 'drop_schema_named', '--args', `{schema_name: ${p.schema} }`]);
    const schemas = (await p.query<{ name: string }>('select name from system.databases')).map((r) => r.name);
    expect(schemas).not.toContain(p.schema);
  });
});
