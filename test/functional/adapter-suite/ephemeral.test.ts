import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from './dbt-project.js';

/*
 * dbt-tests-adapter ephemeral/test_ephemeral.py (BaseEphemeralMulti, BaseEphemeralNested,
 * BaseEphemeralErrorHandling). Upstream compares the DDL in target/run/ with Postgres' text; here
 * the compiled SQL (target/compiled/) and the DDL tsdbt ran (target/run/) are checked for what
 * that text shows: each ephemeral model is one `__dbt__cte__<name>` CTE, shared by every ref to
 * it, in dependency order.
 */
const SEED = `id,first_name,last_name,email,gender,ip_address\n${Array.from({ length: 100 }, (_, i) => `${i + 1},First${i},Last${i},person${i}@example.com,${i % 3 === 0 ? 'Female' : 'Male'},10.0.${i}.1`).join('\n')}\n`;

const compiled = (dir: string, path: string) => readFileSync(join(dir, 'target', 'compiled', 'test', 'models', path), 'utf8');
// Whitespace and identifier backquotes aside (tsdbt quotes the CTE names).
const squash = (s: string) => s.replace(/\s+/g, '').replace(/`(__dbt__cte__\w+)`/g, '$1');

describe('ephemeral (dbt-tests-adapter ephemeral/test_ephemeral.py)', () => {
  it('BaseEphemeralMulti: ephemeral models shared as CTEs across refs', async () => {
    const p = dbtProject({
      seeds: { 'seed.csv': SEED },
      models: {
        'dependent.sql': "\n\n-- multiple ephemeral refs should share a cte\nselect * from {{ref('base')}} where gender = 'Male'\nunion all\nselect * from {{ref('base')}} where gender = 'Female'\n\n",
        'double_dependent.sql':
          "\n\n-- base_copy just pulls from base. Make sure the listed\n-- graph of CTEs all share the same dbt_cte__base cte\nselect * from {{ref('base')}} where gender = 'Male'\nunion all\nselect * from {{ref('base_copy')}} where gender = 'Female'\n\n",
        'super_dependent.sql': "\nselect * from {{ref('female_only')}}\nunion all\nselect * from {{ref('double_dependent')}} where gender = 'Male'\n\n",
        'base/female_only.sql': "\n{{ config(materialized='ephemeral') }}\n\nselect * from {{ ref('base_copy') }} where gender = 'Female'\n\n",
        'base/base.sql': "\n{{ config(materialized='ephemeral') }}\n\nselect * from {{ this.schema }}.seed\n\n",
        'base/base_copy.sql': "\n{{ config(materialized='ephemeral') }}\n\nselect * from {{ ref('base') }}\n\n",
      },
    });
    await p.dbt(['seed']);
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    await expectRelationsEqual(p, ['seed', 'dependent']);
    await expectRelationsEqual(p, ['seed', 'double_dependent']);
    await expectRelationsEqual(p, ['seed', 'super_dependent']);

    const sql = squash(compiled(p.dir, 'double_dependent.sql'));
    expect(sql.match(/__dbt__cte__baseas\(/g)).toHaveLength(1);
    expect(sql.match(/__dbt__cte__base_copyas\(/g)).toHaveLength(1);
    expect(sql.indexOf('__dbt__cte__baseas(')).toBeLessThan(sql.indexOf('__dbt__cte__base_copyas('));
    expect(sql).toContain(squash(`select * from __dbt__cte__base where gender = 'Male' union all select * from __dbt__cte__base_copy where gender = 'Female'`));

    // Upstream reads the DDL dbt ran from target/run/test/models/double_dependent.sql.
    const ran = squash(readFileSync(join(p.dir, 'target', 'run', 'test', 'models', 'double_dependent.sql'), 'utf8'));
    expect(ran.toLowerCase().startsWith(`createorreplaceview\`${p.schema}\`.\`double_dependent\`as`), ran).toBe(true);
    expect(ran).toContain(`with__dbt__cte__baseas(select*from${p.schema}.seed),__dbt__cte__base_copyas(select*from__dbt__cte__base)`);
    expect(ran).toContain(squash(`select * from __dbt__cte__base where gender = 'Male' union all select * from __dbt__cte__base_copy where gender = 'Female'`));
  });

  it('BaseEphemeralNested: an ephemeral model reading an ephemeral model', async () => {
    const p = dbtProject({
      models: {
        'ephemeral_level_two.sql': '\n{{\n  config(\n    materialized = "ephemeral",\n  )\n}}\nselect * from {{ ref(\'source_table\') }}\n\n',
        'root_view.sql': '\nselect * from {{ref("ephemeral")}}\n\n',
        'ephemeral.sql': '\n{{\n  config(\n    materialized = "ephemeral",\n  )\n}}\nselect * from {{ref("ephemeral_level_two")}}\n\n',
        'source_table.sql': "\n{{ config(materialized='table') }}\n\nwith source_data as (\n\n    select 1 as id\n    union all\n    select null as id\n\n)\n\nselect *\nfrom source_data\n\n",
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const sql = squash(compiled(p.dir, 'root_view.sql'));
    expect(sql).toMatch(new RegExp(`^with__dbt__cte__ephemeral_level_twoas\\(select\\*from\`${p.schema}\`\\.\`source_table\`\\),__dbt__cte__ephemeralas\\(select\\*from__dbt__cte__ephemeral_level_two\\)select\\*from__dbt__cte__ephemeral$`));
    expect(await p.rows('root_view')).toEqual([[1], [null]]);
  });

  it('BaseEphemeralErrorHandling: a dependent of an ephemeral model that does not compile is skipped with a Compilation Error', async () => {
    const p = dbtProject({
      seeds: { 'seed.csv': SEED },
      models: {
        'dependent.sql': "\n-- base copy is an error\nselect * from {{ref('base_copy')}} where gender = 'Male'\n\n",
        'base/base.sql': "\n{{ config(materialized='ephemeral') }}\n\nselect * from {{ this.schema }}.seed\n\n",
        'base/base_copy.sql': "\n{{ config(materialized='ephemeral') }}\n\n{{ adapter.invalid_method() }}\n\nselect * from {{ ref('base') }}\n\n",
      },
    });
    // dbt parses it (its parse-time Undefined is callable) and fails the ephemeral model when the
    // dependent compiles at run time: the dependent is skipped, the run fails.
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.code).toBe(1);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]!.status).toBe('skipped');
    expect(r.results[0]!.message).toContain('Compilation Error');
    expect(r.results[0]!.message).toContain('caused by compilation error in referenced ephemeral model model.test.base_copy');
    expect(r.results[0]!.message).toContain("'adapter' object has no attribute 'invalid_method'");
  });

  it('a model calling an adapter method that does not exist parses and fails at run time; the others build', async () => {
    const p = dbtProject({
      models: {
        'bad.sql': "{{ adapter.no_such_method('x') }}\nselect 1 as id\n",
        'good.sql': 'select 1 as id\n',
        'after_bad.sql': "select * from {{ ref('bad') }}\n",
      },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    const status = Object.fromEntries(r.results.map((x) => [x.unique_id, x.status]));
    expect(status).toEqual({ 'model.test.bad': 'error', 'model.test.good': 'success', 'model.test.after_bad': 'skipped' });
    expect(r.results.find((x) => x.unique_id === 'model.test.bad')!.message).toContain("'adapter' object has no attribute 'no_such_method'");
    // A method that exists is untouched, and a parse (ls) of the project succeeds.
    expect((await p.dbt(['ls', '--resource-type', 'model'])).code).toBe(0);
  });

  it('an ephemeral model that reads the warehouse while rendering is rendered again at run time, where its dependent inlines it', async () => {
    const p = dbtProject({
      seeds: { 'colors.csv': 'color\nred\nblue\n' },
      models: {
        // As dbt_utils.get_column_values: run_query answers nothing at parse time.
        'pivot.sql':
          "{{ config(materialized='ephemeral') }}\n{% set colors = run_query('select color from ' ~ ref('colors') ~ ' order by color').columns[0].values() if execute else [] %}\nselect {% for c in colors %}'{{ c }}' as c{{ loop.index }}{% if not loop.last %}, {% endif %}{% else %}'none' as c1{% endfor %}\n",
        'wide.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('pivot') }}\n",
      },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await p.rows('wide')).toEqual([['blue', 'red']]);
  });
});
