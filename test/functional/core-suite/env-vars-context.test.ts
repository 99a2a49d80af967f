import { afterEach, describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/context_methods/test_env_vars.py (TestEnvVarInCreateSchema) and
 * test_secret_env_vars.py (TestDisallowSecretModel), ported as written. TestEnvVars compares
 * Postgres' target fields (host, port, dbname) and manifest.env_vars (not in manifest.json); the
 * secret-scrubbing classes need git and the internet (their deps clone fails on purpose).
 */
const set: string[] = [];
const setEnv = (k: string, v: string) => ((process.env[k] = v), set.push(k));
afterEach(() => {
  for (const k of set.splice(0)) delete process.env[k];
});

describe('env_var() in context (context_methods/test_env_vars.py, test_secret_env_vars.py)', () => {
  it('TestEnvVarInCreateSchema: env_var() in a project create_schema override called while a model renders', async () => {
    setEnv('DBT_TEST_ENV_VAR', '1');
    const p = dbtProject({
      macros: {
        'macros.sql': `
                {% macro create_schema(relation) %}
                  {%- call statement('create_schema') -%}
                     SELECT {{ env_var('DBT_TEST_ENV_VAR') }} as TEST
                  {% endcall %}
                {% endmacro %}%
            `,
      },
      models: { 'mymodel.sql': '\n            SELECT 1 as TEST -- {%- do adapter.create_schema(this) -%}\n        ' },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
  });

  it('TestDisallowSecretModel: a DBT_ENV_SECRET_ variable read by a model fails the parse', async () => {
    setEnv('DBT_TEST_ENV_VAR', '1');
    setEnv('DBT_TEST_NOT_SECRET', 'regular_variable');
    setEnv('DBT_ENV_SECRET_SECRET', 'secret_variable');
    const p = dbtProject({
      models: {
        'context.sql': `

{{
    config(
        materialized='table'
    )
}}

select

    '{{ env_var("DBT_TEST_ENV_VAR") }}' as env_var,
    '{{ env_var("DBT_ENV_SECRET_SECRET") }}' as env_var_secret, -- this should raise an error!
    '{{ env_var("DBT_TEST_NOT_SECRET") }}' as env_var_not_secret

`,
      },
    });
    const r = await p.dbt(['compile'], { expectPass: false });
    expect(r.code).toBe(2);
    const text = r.out.join('\n');
    expect(text).toContain("Secret env vars are allowed only in profiles.yml or packages.yml. Found 'DBT_ENV_SECRET_SECRET' referenced elsewhere.");
    expect(text).not.toContain('secret_variable');
  });
});
