import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/view/test_view_sql_security.py
 * (TestClickHouseViewSqlSecurity): `sql_security` / `definer` on views give ClickHouse's SQL
 * SECURITY clause, and a wrong combination fails the model with dbt-clickhouse's Compilation Error.
 * The embedded engine's user is `default`, as the upstream DBT_CH_TEST_USER default.
 */
const PEOPLE_SEED_CSV = 'id,name,age,department\n1231,Dade,33,engineering\n6666,Ksenia,48,engineering\n8888,Kate,50,engineering\n';
const SEED_SCHEMA_YML = '\nversion: 2\n\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: people\n';
const MODEL = "\nselect\n    id,\n    name,\n    age,\n    department\nfrom {{ source('raw', 'people') }}\n";
const config = (args: string) => `\n{{ config(\n       materialized='view',\n       ${args}\n) }}\n`;

function project() {
  return dbtProject({
    seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
    models: {
      'view_invoker.sql': config("sql_security='invoker'") + MODEL,
      'view_definer.sql': config("sql_security='definer',\n       definer='default'") + MODEL,
      'view_definer_empty.sql': config("sql_security='definer'") + MODEL,
      'view_definer_wrong.sql': config("sql_security='definer',\n       definer=''") + MODEL,
      'view_sql_security.sql': config("sql_security='wrong'") + MODEL,
    },
  });
}
const createQuery = async (p: ReturnType<typeof project>, table: string) =>
  (await p.query<{ q: string }>(`select create_table_query as q from system.tables where database = '{schema}' and table = '${table}'`))[0]?.q ?? '';

describe('views with SQL SECURITY (dbt-clickhouse view/test_view_sql_security.py)', () => {
  it('test_create_view_invoker / test_create_view_definer: the clause is in the view', async () => {
    const p = project();
    await p.dbt(['seed']);
    await p.dbt(['run', '--select', 'view_invoker']);
    expect(await createQuery(p, 'view_invoker')).toContain('SQL SECURITY INVOKER');
    await p.dbt(['run', '--select', 'view_definer']);
    expect(await createQuery(p, 'view_definer')).toContain('DEFINER = default SQL SECURITY DEFINER');
    expect(await p.rows('view_definer', ['id'])).toEqual([[1231], [6666], [8888]]);
  });

  it('test_fail_view_definer_empty / _wrong / test_fail_view_sql_security: dbt-clickhouse\'s errors', async () => {
    const p = project();
    await p.dbt(['seed']);
    const out = async (model: string) => (await p.dbt(['run', '--select', model], { expectPass: false })).out.join('\n');
    expect(await out('view_definer_empty')).toContain("Model 'model.test.view_definer_empty' does not define a required config parameter 'definer'.");
    expect(await out('view_definer_wrong')).toContain('Invalid config parameter `definer`. No value was provided.');
    expect(await out('view_sql_security')).toContain('Invalid config parameter `sql_security`. Got: `wrong`, but only definer | invoker allowed.');
  });
});
