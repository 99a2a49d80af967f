import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from './dbt-project.js';

/*
 * dbt-tests-adapter ephemeral/test_ephemeral.py (BaseEphemeralMulti, BaseEphemeralNested,
 * BaseEphemeralErrorHandling). Upstream compares the DDL in target/run/ with Postgres' text; here
 * the compiled SQL (target/compiled/) is checked for what that text shows: each ephemeral model is
 * one `__dbt__cte__<name>` CTE, shared by every ref to it, in dependency order.
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

  it('BaseEphemeralErrorHandling: an ephemeral model calling an adapter method that does not exist fails (at load in tsdbt)', async () => {
    const p = dbtProject({
      seeds: { 'seed.csv': SEED },
      models: {
        'dependent.sql': "\n-- base copy is an error\nselect * from {{ref('base_copy')}} where gender = 'Male'\n\n",
        'base/base.sql': "\n{{ config(materialized='ephemeral') }}\n\nselect * from {{ this.schema }}.seed\n\n",
        'base/base_copy.sql': "\n{{ config(materialized='ephemeral') }}\n\n{{ adapter.invalid_method() }}\n\nselect * from {{ ref('base') }}\n\n",
      },
    });
    // dbt parses it (parse-time Jinja swallows unknown calls) and skips `dependent` with a
    // Compilation Error at run time; tsdbt says so at load, before anything runs (exit 2).
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.code).toBe(2);
    expect(r.out.join('\n')).toContain('adapter.invalid_method');
  });
});
