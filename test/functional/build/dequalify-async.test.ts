// dbt_semantics renames a joined query's `t.col` outputs to `col` (execute/dbt-semantics/dequalify.ts). The DESCRIBE that finds them
// must not block the run: analysing a query evaluates its scalar subqueries, and a blocking (synchronous) call holds
// every other thread of the run meanwhile. A model build describes its query through the asynchronous client.
import { describe, expect, it } from 'vitest';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';

const setup = openedPerTest();

describe('dequalified column names', () => {
  it('a model with two joins gets plain column names, described without a blocking query', async () => {
    const { p, project } = setup({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'x' as name",
      'models/b.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'y' as name",
      'models/c.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'z' as name",
      'models/joined.sql':
        "{{ config(materialized='table') }}\nselect a.id, b.name, (select count() from {{ ref('c') }}) as n_c\nfrom {{ ref('a') }} a join {{ ref('b') }} b on a.id = b.id join {{ ref('c') }} c on a.id = c.id",
    });
    const client = (await project.adapter()).client;
    const blocking: string[] = [];
    const querySync = client.querySync.bind(client);
    client.querySync = (sql: string) => {
      if (/^DESCRIBE \(/.test(sql)) blocking.push(sql);
      return querySync(sql);
    };
    const result = await project.run();
    expect(statuses(result)).toEqual({ a: 'success', b: 'success', c: 'success', joined: 'success' });
    const columns = await queryRows<{ name: string }>(project, `SELECT name FROM system.columns WHERE database = '${p.schema}' AND table = 'joined' ORDER BY position`);
    expect(columns.map((c) => c.name)).toEqual(['id', 'name', 'n_c']);
    expect(await queryRows(project, `SELECT id, name, n_c FROM ${p.schema}.joined`)).toEqual([{ id: 1, name: 'y', n_c: '1' }]);
    expect(blocking).toEqual([]);
  });

  it('a joined query whose outputs are all aliased or plain is not described: its scalar subqueries run once, in the build', async () => {
    const { p, project } = setup({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'x' as name",
      'models/b.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'y' as name",
      'models/plain.sql':
        "{{ config(materialized='table') }}\nwith 2 as two select a.id as id, b.name as name, two, 3 as three, lower(b.name) as low, (select count() from {{ ref('a') }}) as n\n" +
        "from {{ ref('a') }} a join {{ ref('b') }} b on a.id = b.id join (select 1 as id) c on a.id = c.id",
      'models/qualified.sql':
        "{{ config(materialized='table') }}\nselect a.id, b.name as name\nfrom {{ ref('a') }} a join {{ ref('b') }} b on a.id = b.id join (select 1 as id) c on a.id = c.id",
    });
    const client = (await project.adapter()).client;
    const described: string[] = [];
    const query = client.query.bind(client);
    client.query = ((sql: string, o?: never) => {
      if (/DESCRIBE \(/.test(sql)) described.push(sql);
      return query(sql, o);
    }) as typeof client.query;
    const result = await project.run();
    expect(statuses(result)).toEqual({ a: 'success', b: 'success', plain: 'success', qualified: 'success' });
    // the unaliased `a.id` of `qualified` is named `id` before the query is sent (execute/dbt-semantics/join-column-names.ts), so no model is described
    expect(described).toHaveLength(0);
    const columns = async (table: string) =>
      (await queryRows<{ name: string }>(project, `SELECT name FROM system.columns WHERE database = '${p.schema}' AND table = '${table}' ORDER BY position`)).map((c) => c.name);
    expect(await columns('plain')).toEqual(['id', 'name', 'two', 'three', 'low', 'n']);
    expect(await columns('qualified')).toEqual(['id', 'name']);
    expect(await queryRows(project, `SELECT id, name, two, three, low, n FROM ${p.schema}.plain`)).toEqual([{ id: 1, name: 'y', two: 2, three: 3, low: 'y', n: '1' }]);
  });
});
