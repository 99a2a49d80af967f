import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse's @available adapter methods that copies of its macros call in projects
 * (`{% if not adapter.is_before_version('22.7.1.2484') %} empty {% endif %}` in an overridden
 * clickhouse__create_table_as, format_columns in the contract macros): the `adapter` object
 * answered "'adapter' object has no attribute …" for them.
 */
describe("dbt-clickhouse's adapter methods (dbt/adapters/clickhouse/impl.py)", () => {
  it('is_before_version / is_at_or_after_version compare the server version as dbt-clickhouse (parts both have, numerically)', async () => {
    const p = dbtProject({
      macros: {
        'versions.sql': "{% macro empty_keyword() %}{% if not adapter.is_before_version('22.7.1.2484') %}'empty'{% else %}'as'{% endif %}{% endmacro %}\n",
      },
      models: {
        'versions.sql':
          "select {{ adapter.is_before_version('99.1') }} as before_99, {{ adapter.is_at_or_after_version('22.7') }} as after_22_7," +
          " {{ adapter.is_before_version('1.0') }} as before_1, {{ adapter.is_at_or_after_version('99') }} as after_99," +
          " {{ adapter.is_before_version('26') }} as before_major, {{ empty_keyword() }} as keyword\n",
        'columns.sql': "{% set cols = adapter.format_columns(adapter.get_columns_in_relation(ref('versions'))) %}select '{{ cols[0].name }} {{ cols[0].data_type }} {{ cols | length }}' as described\n",
      },
    });
    await p.dbt(['run']);
    const version = String((await p.query<{ v: string }>('select version() as v'))[0]!.v);
    const major = Number(version.split('.')[0]);
    expect(await p.query('select before_99, after_22_7, before_1, after_99, before_major, keyword from {schema}.versions')).toEqual([
      { before_99: true, after_22_7: true, before_1: false, after_99: false, before_major: major < 26, keyword: 'empty' },
    ]);
    expect(await p.query('select described from {schema}.columns')).toEqual([{ described: 'before_99 Bool 6' }]);
  });

  it("a version that is not numbers separated by '.' is dbt-clickhouse's error", async () => {
    const p = dbtProject({ models: { 'bad.sql': "select {{ adapter.is_before_version('v22.1') }} as b\n" } });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Version must consist of only numbers separated by '.'");
  });

  it("dbt's grant helpers: get_show_grant_sql / get_grant_sql / get_revoke_sql (dbt-clickhouse's statements) and standardize_grants_dict over the show rows", async () => {
    const p = dbtProject({
      models: {
        'grants_sql.sql':
          "-- {{ get_show_grant_sql(this) }}\n-- {{ get_grant_sql(this, 'select', ['user_1', 'user_2']) }}\n-- {{ get_revoke_sql(this, 'insert', ['user_3']) }}\n" +
          "{% set rows = run_query(\"select 'SELECT' as privilege_type, 'user_1' as grantee union all select 'INSERT', 'user_2' union all select 'SELECT', 'user_3'\") %}" +
          "select '{{ adapter.standardize_grants_dict(rows) | tojson }}' as grants\n",
      },
    });
    await p.dbt(['run']);
    const sql = readFileSync(join(p.dir, 'target', 'compiled', 'test', 'models', 'grants_sql.sql'), 'utf8');
    const rel = `\`${p.schema}\`.\`grants_sql\``;
    expect(sql).toContain(`-- SELECT access_type AS privilege_type, coalesce(user_name, role_name) AS grantee FROM system.grants WHERE database = '${p.schema}' AND table = 'grants_sql'`);
    expect(sql).toMatch(new RegExp(`-- grant +select on ${rel.replace(/[.`]/g, '\\$&')} to user_1, user_2`));
    expect(sql).toMatch(new RegExp(`-- revoke +insert on ${rel.replace(/[.`]/g, '\\$&')} from user_3`));
    const [{ grants }] = await p.query<{ grants: string }>('select grants from {schema}.grants_sql');
    expect(JSON.parse(grants)).toEqual({ SELECT: ['user_1', 'user_3'], INSERT: ['user_2'] });
  });
});
