import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter caching/test_caching.py as dbt-clickhouse runs it (lowercase and uppercase model
 * files, --cache-selected-only, --no-populate-cache, `quoting:` in dbt_project.yml). tsdbt has no
 * relation cache to inspect: what the cases check is that the runs pass with dbt's flags and give
 * one relation in the test schema named as the file, on the first run and again on the second.
 */
const MODEL = "\n{{\n    config(\n        materialized='table'\n    )\n}}\nselect 1 as id\n";
const ANOTHER = "\n{{\n    config(\n        materialized='table',\n        schema='another_schema'\n    )\n}}\nselect 1 as id\n";
const QUOTING = 'quoting:\n  identifier: false\n  schema: false\n';

describe('caching (dbt-tests-adapter caching/test_caching.py)', () => {
  it.each([
    ['TestCachingLowerCaseModel', { 'model.sql': MODEL }, ['run'], 'model'],
    ['TestCachingUppercaseModel', { 'MODEL.sql': MODEL }, ['run'], 'MODEL'],
    ['TestCachingSelectedSchemaOnly', { 'model.sql': MODEL, 'another_schema_model.sql': ANOTHER }, ['--cache-selected-only', 'run', '--select', 'model'], 'model'],
    ['TestNoPopulateCache', { 'model.sql': MODEL }, ['--no-populate-cache', 'run'], 'model'],
  ] as const)('%s: runs twice, one relation in the test schema', async (_name, models, args, relation) => {
    const p = dbtProject({ projectConfig: QUOTING, models });
    for (let i = 0; i < 2; i++) {
      const r = await p.dbt([...args]);
      expect(r.results.map((x) => x.status)).toEqual(['success']);
      const tables = await p.query<{ name: string }>("select name from system.tables where database = '{schema}'");
      expect(tables.map((t) => t.name)).toEqual([relation]);
    }
  });

  it('--no-cache-selected-only and --populate-cache are accepted too', async () => {
    const p = dbtProject({ models: { 'model.sql': MODEL } });
    expect((await p.dbt(['--no-cache-selected-only', '--populate-cache', 'run'])).results).toHaveLength(1);
  });
});
