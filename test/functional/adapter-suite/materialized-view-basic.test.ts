import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter materialized_view/basic.py (MaterializedViewBasic), which dbt-clickhouse does not
 * run: dbt's generic materialized view — create, idempotent create, full refresh, and switching a model
 * between table / view / materialized_view both ways. On ClickHouse (as dbt-clickhouse) a
 * `materialized_view` model is its target table plus the view `<model>_mv` feeding it: its "relation
 * type" here is materialized_view when that view exists and writes into the table. A ClickHouse
 * materialized view is an insert trigger: a row inserted into the seed reaches it at once, where
 * upstream's warehouses show it only after a refresh (test_materialized_view_only_updates_after_refresh).
 */
const MODEL = (m: string) => `{{ config(\n    materialized='${m}',\n) }}\nselect * from {{ ref('my_seed') }}\n`;
const FILES = {
  seeds: { 'my_seed.csv': 'id,value\n1,100\n2,200\n3,300' },
  models: { 'my_table.sql': MODEL('table'), 'my_view.sql': MODEL('view'), 'my_materialized_view.sql': MODEL('materialized_view') },
};

async function relationType(p: DbtProject, name: string): Promise<string | undefined> {
  const rows = await p.query<{ name: string; engine: string }>(`select name, engine from system.tables where database = '{schema}' and name in ('${name}', '${name}_mv')`);
  const own = rows.find((r) => r.name === name);
  const mv = rows.find((r) => r.name === `${name}_mv` && r.engine === 'MaterializedView');
  if (!own) return undefined;
  if (own.engine === 'View') return 'view';
  return mv ? 'materialized_view' : 'table';
}

async function setUp(): Promise<DbtProject> {
  const p = dbtProject(FILES);
  await p.dbt(['seed']);
  await p.dbt(['run', '--models', 'my_materialized_view', '--full-refresh']);
  return p;
}

const swap = (p: DbtProject, model: string, from: string, to: string) => {
  const path = join(p.dir, 'models', `${model}.sql`);
  p.write({ [`models/${model}.sql`]: readFileSync(path, 'utf8').replace(`materialized='${from}'`, `materialized='${to}'`) });
};

const count = async (p: DbtProject, name: string) => Number((await p.query<{ c: string }>(`select count() as c from {schema}.${name}`))[0]!.c);

describe('materialized views (dbt-tests-adapter materialized_view/basic.py MaterializedViewBasic)', () => {
  it('create, idempotent create and full refresh keep a materialized view with the seed rows', async () => {
    const p = await setUp();
    expect(await relationType(p, 'my_materialized_view')).toBe('materialized_view');
    await p.dbt(['run', '--models', 'my_materialized_view']);
    expect(await relationType(p, 'my_materialized_view')).toBe('materialized_view');
    await p.dbt(['--debug', 'run', '--models', 'my_materialized_view', '--full-refresh']);
    expect(await relationType(p, 'my_materialized_view')).toBe('materialized_view');
    expect(await count(p, 'my_materialized_view')).toBe(3);
  });

  it('a materialized view replaces a table and a view (and carries the rows)', async () => {
    const p = await setUp();
    for (const [model, from] of [['my_table', 'table'], ['my_view', 'view']] as const) {
      await p.dbt(['run', '--models', model]);
      expect(await relationType(p, model)).toBe(from);
      swap(p, model, from, 'materialized_view');
      await p.dbt(['run', '--models', model]);
      expect(await relationType(p, model)).toBe('materialized_view');
      expect(await count(p, model)).toBe(3);
    }
  });

  it.each(['table', 'view'])('a %s replaces a materialized view (its _mv view is dropped)', async (to) => {
    const p = await setUp();
    await p.dbt(['run', '--models', 'my_materialized_view']);
    swap(p, 'my_materialized_view', 'materialized_view', to);
    await p.dbt(['run', '--models', 'my_materialized_view']);
    expect(await relationType(p, 'my_materialized_view')).toBe(to);
    expect(await p.query(`select name from system.tables where database = '{schema}' and name = 'my_materialized_view_mv'`)).toEqual([]);
    // The seed takes inserts again without a view writing into a table that is gone.
    await p.query(`insert into {schema}.my_seed (id, value) values (4, 400)`);
    expect(await count(p, 'my_materialized_view')).toBe(to === 'view' ? 4 : 3);
  });

  it('a row inserted into the seed reaches the materialized view at once (ClickHouse: no refresh needed)', async () => {
    const p = await setUp();
    const tableStart = await count(p, 'my_seed');
    const viewStart = await count(p, 'my_materialized_view');
    await p.query(`insert into {schema}.my_seed (id, value) values (4, 400)`);
    expect(await count(p, 'my_seed')).toBe(tableStart + 1);
    expect(await count(p, 'my_materialized_view')).toBe(viewStart + 1);
  });
});
