import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const USERS = (suffix: string) => `{{ config(materialized='table') }}
select number as user_id, concat('user', toString(number), '${suffix}') as name, number % 3 as tier from numbers(5)`;

async function dictionaries(project: TsdbtProject, schema: string): Promise<{ name: string; status: string; element_count: string }[]> {
  return queryRows(project, `SELECT name, status, toString(element_count) AS element_count FROM system.dictionaries WHERE database = '${schema}' ORDER BY name`);
}

describe('dictionary materialization', () => {
  it('builds a dictionary from a model: attributes from its columns, the first column as key, HASHED layout', async () => {
    const { p, project } = setup({
      'models/users.sql': USERS(''),
      'models/users_dict.sql': "{{ config(materialized='dictionary') }}\nselect user_id, name, tier from {{ ref('users') }}",
      'models/named.sql': "{{ config(materialized='view') }}\nselect number as id, dictGet('{{ ref('users_dict').schema }}.users_dict', 'name', number) as name from numbers(3)",
    });
    const r = await project.run();
    expectStatuses(r, { users: 'success', users_dict: 'success', named: 'success' });
    expect(r.results.find((x) => x.node.name === 'users_dict')!.message).toBe('OK 5 keys');
    expect(await dictionaries(project, p.schema)).toEqual([{ name: 'users_dict', status: 'LOADED', element_count: '5' }]);
    const [ddl] = await queryRows<{ q: string }>(project, `SELECT create_table_query AS q FROM system.tables WHERE database = '${p.schema}' AND name = 'users_dict'`);
    expect(ddl!.q).toMatch(/PRIMARY KEY user_id/);
    expect(ddl!.q).toMatch(/LAYOUT\(HASHED\(\)\)/);
    expect(ddl!.q).toMatch(/LIFETIME\(MIN 0 MAX 3600\)/);
    expect(await queryRows(project, `SELECT id, name FROM ${p.schema}.named ORDER BY id`)).toEqual([
      { id: '0', name: 'user0' },
      { id: '1', name: 'user1' },
      { id: '2', name: 'user2' },
    ]);
  });

  it('a rebuild swaps in the new, loaded dictionary: a view calling dictGet answers throughout, old data or new', async () => {
    const { p, project } = setup({
      'models/users.sql': USERS('a'),
      'models/users_dict.sql': "{{ config(materialized='dictionary', lifetime=600) }}\nselect user_id, name from {{ ref('users') }}",
    });
    expectStatuses(await project.run(), { users: 'success', users_dict: 'success' });
    const adapter = await project.adapter();
    await adapter.client.command(`CREATE VIEW ${p.schema}.reader AS SELECT dictGet('${p.schema}.users_dict', 'name', toUInt64(1)) AS name`);
    const seen = new Set<string>();
    const errors: string[] = [];
    let stop = false;
    const reading = (async () => {
      while (!stop) {
        try {
          const [row] = await adapter.client.query<{ name: string }>(`SELECT name FROM ${p.schema}.reader`);
          seen.add(row!.name);
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    })();
    for (const suffix of ['b', 'c', 'd']) {
      p.write({ 'models/users.sql': USERS(suffix) });
      const again = setup.reopen(p);
      expectStatuses(await again.run(), { users: 'success', users_dict: 'success' });
    }
    stop = true;
    await reading;
    expect(errors).toEqual([]);
    expect([...seen].every((n) => /^user1[abcd]$/.test(n))).toBe(true);
    expect(seen.has('user1d')).toBe(true);
    expect(await queryRows(project, `SELECT name FROM ${p.schema}.reader`)).toEqual([{ name: 'user1d' }]);
    expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}'`)).map((t) => t.name).sort()).toEqual(['reader', 'users', 'users_dict']);
  });

  it('a string key gets COMPLEX_KEY_HASHED; layout, lifetime and primary_key configs are used as given', async () => {
    const { p, project } = setup({
      'models/codes.sql': "{{ config(materialized='dictionary', primary_key='code', layout='complex_key_sparse_hashed', lifetime={'min': 10, 'max': 20}) }}\nselect toString(number) as code, number * 2 as doubled from numbers(4)",
      'models/ids.sql': "{{ config(materialized='dictionary', layout='flat', lifetime=0) }}\nselect toUInt32(number) as id, number * 3 as tripled from numbers(4)",
    });
    expectStatuses(await project.run(), { codes: 'success', ids: 'success' });
    const ddl = async (name: string) =>
      (await queryRows<{ q: string }>(project, `SELECT create_table_query AS q FROM system.tables WHERE database = '${p.schema}' AND name = '${name}'`))[0]!.q;
    expect(await ddl('codes')).toMatch(/PRIMARY KEY code SOURCE[\s\S]*LIFETIME\(MIN 10 MAX 20\) LAYOUT\(COMPLEX_KEY_SPARSE_HASHED\(\)\)/);
    expect(await ddl('ids')).toMatch(/`id` UInt64[\s\S]*LIFETIME\(MIN 0 MAX 0\) LAYOUT\(FLAT\(\)\)/);
    expect(await queryRows(project, `SELECT dictGet('${p.schema}.codes', 'doubled', tuple('3')) AS a, dictGet('${p.schema}.ids', 'tripled', toUInt64(3)) AS b`)).toEqual([{ a: '6', b: '9' }]);
  });

  it('a source query that fails to load fails the model and leaves the previous dictionary answering, with no temporary left', async () => {
    const { p, project } = setup({ 'models/d.sql': "{{ config(materialized='dictionary') }}\nselect number as id, 'ok' as v from numbers(3)" });
    expectStatuses(await project.run(), { d: 'success' });
    p.write({ 'models/d.sql': "{{ config(materialized='dictionary') }}\nselect number as id, if(throwIf(number = 2) = 0, 'new', '') as v from numbers(3)" });
    const again = setup.reopen(p);
    const r = await again.run();
    expectStatuses(r, { d: 'error' });
    expect(r.results[0]!.message).toMatch(/throwIf|FUNCTION_THROW_IF_VALUE_IS_NON_ZERO/);
    expect(await queryRows(again, `SELECT dictGet('${p.schema}.d', 'v', toUInt64(1)) AS v`)).toEqual([{ v: 'ok' }]);
    expect((await queryRows<{ name: string }>(again, `SELECT name FROM system.tables WHERE database = '${p.schema}'`)).map((t) => t.name)).toEqual(['d']);
  });

  it("a killed run's temporary dictionary is dropped by the next run", async () => {
    const { p, project } = setup({ 'models/d.sql': "{{ config(materialized='dictionary') }}\nselect number as id, 'v' as v from numbers(2)" });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    await adapter.client.command(
      `CREATE DICTIONARY ${p.schema}.d__tsdbt_tmp_deadbeef (id UInt64, v String) PRIMARY KEY id SOURCE(CLICKHOUSE(QUERY 'SELECT 1 AS id, \\'x\\' AS v')) LAYOUT(HASHED()) LIFETIME(0)`,
    );
    expectStatuses(await project.run(), { d: 'success' });
    expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}'`)).map((t) => t.name)).toEqual(['d']);
  });

  it('a model that switches between table and dictionary replaces the relation', async () => {
    const { p, project } = setup({ 'models/d.sql': "{{ config(materialized='table') }}\nselect number as id, 'v' as v from numbers(2)" });
    expectStatuses(await project.run(), { d: 'success' });
    p.write({ 'models/d.sql': "{{ config(materialized='dictionary') }}\nselect number as id, 'v' as v from numbers(2)" });
    expectStatuses(await setup.reopen(p).run(), { d: 'success' });
    expect(await queryRows(project, `SELECT engine FROM system.tables WHERE database = '${p.schema}' AND name = 'd'`)).toEqual([{ engine: 'Dictionary' }]);
    p.write({ 'models/d.sql': "{{ config(materialized='table') }}\nselect number as id, 'w' as v from numbers(2)" });
    expectStatuses(await setup.reopen(p).run(), { d: 'success' });
    expect(await queryRows(project, `SELECT engine FROM system.tables WHERE database = '${p.schema}' AND name = 'd'`)).toEqual([{ engine: 'MergeTree' }]);
  });

  it('a flat layout with a string key is a project error that says which layouts fit', async () => {
    const { project } = setup({ 'models/d.sql': "{{ config(materialized='dictionary', layout='flat') }}\nselect 'a' as code, 1 as v" });
    const r = await project.run();
    expectStatuses(r, { d: 'error' });
    expect(r.results[0]!.message).toMatch(/layout flat\(\) needs a single integer key, and the key is code String/);
    expect(r.results[0]!.file).toBe('models/d.sql');
  });
});
