import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of brooklyn-data/dbt_artifacts' integration_test_project that failed when run
 * unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt_artifacts constructs', () => {
  it('gives templates invocation_args_dict (a dict of the run args, as run_results.json) and dbt_metadata_envs', async () => {
    process.env.DBT_ENV_CUSTOM_ENV_TEAM = 'data';
    try {
      const { p: ip, project: p } = setup({
        'macros/upload.sql': `{% macro upload() %}
  {% set args = invocation_args_dict.copy() %}
  {% set rows = [] %}
  {% for k, v in args.items() %}{% if k in ['which', 'full_refresh', 'select'] %}{% do rows.append(k ~ '=' ~ (v | string | replace("'", ""))) %}{% endif %}{% endfor %}
  {% for k, v in dbt_metadata_envs.items() %}{% do rows.append('env:' ~ k ~ '=' ~ v) %}{% endfor %}
  {% do run_query("create table if not exists " ~ target.schema ~ ".uploaded (line String) engine = Memory") %}
  {% do run_query("insert into " ~ target.schema ~ ".uploaded values ('" ~ (rows | sort | join("'), ('")) ~ "')") %}
{% endmacro %}`,
        'models/m.sql': "select 1 as id",
        'project.yml': 'name: proj\nprofile: proj\non-run-end:\n  - "{{ upload() }}"\n',
      });
      const r = await p.run({ select: ['m'], fullRefresh: true });
      expectStatuses(r, { m: 'success' });
      expect(r.hooks.map((h) => h.status)).toEqual(['success']);
      expect((await queryRows<{ line: string }>(p, `select line from ${ip.schema}.uploaded order by line`)).map((r) => r.line)).toEqual([
        'env:TEAM=data',
        'full_refresh=True',
        "select=[m]",
        'which=run',
      ]);
    } finally {
      delete process.env.DBT_ENV_CUSTOM_ENV_TEAM;
    }
  });

  it("describes an incremental model's query with its query settings: `cast(null as String)` is Nullable(String) on the second run too", async () => {
    const { p: ip, project: p } = setup({
      'models/uploads.sql': `{{ config(materialized='incremental', full_refresh=false) }}
with dummy_cte as (select 1 as foo)
select cast(null as {{ dbt.type_string() }}) as command_invocation_id, cast(null as {{ dbt.type_timestamp() }}) as run_started_at
from dummy_cte
where 1 = 0`,
    });
    expectStatuses(await p.run(), { uploads: 'success' });
    expectStatuses(await p.run(), { uploads: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'uploads' order by position`)).toEqual([
      { name: 'command_invocation_id', type: 'Nullable(String)' },
      { name: 'run_started_at', type: 'Nullable(DateTime)' },
    ]);
  });
});
