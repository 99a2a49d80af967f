import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../packages/core/src/index.js';
import { expectStatuses, queryRows } from '../helpers/inline-project.js';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * Materialized views, dictionaries and table options against Debian's ClickHouse 18.16 (Ordinary
 * databases; no EXCHANGE, no MODIFY QUERY, no DDL dictionaries, no table comments): what it can do
 * works, the rest fails with "not supported by this server" and changes nothing.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server 18.16: materialized views, dictionaries, table options', () => {
  const suite = serverSuite();
  const setup = suite.setup;

  const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';
  const COPY = (select: string, extra = '') => `{{ config(materialized='materialized_view', order_by='id'${extra}) }}\n${select}`;

  async function withEvents(files: Record<string, string>) {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, ...files });
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id');
    return { p, project, sql, rows: <T = Record<string, unknown>>(s: string) => queryRows<T>(project, s.replaceAll('$', p.schema)) };
  }

  const names = async (project: TsdbtProject, schema: string) =>
    (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`)).map((r) => r.name);

  it('creates a view and its own target with an exact backfill, captures new inserts, keeps it when unchanged', async () => {
    const { p, project, sql, rows } = await withEvents({ 'models/copy.sql': COPY("select id, kind from {{ source('raw', 'events') }}") });
    await sql("INSERT INTO $.events VALUES (1, 'a'), (2, 'b')");
    await sql("INSERT INTO $.events VALUES (3, 'c')");
    const r = await project.run();
    expectStatuses(r, { copy: 'success' });
    expect(r.results[0]!.message).toBe('OK built: 3 rows backfilled');
    await sql("INSERT INTO $.events VALUES (4, 'd')");
    expect(await rows('SELECT count() AS n, uniqExact(id) AS ids FROM $.copy')).toEqual([{ n: '4', ids: '4' }]);
    expect(await names(project, p.schema)).toEqual(['copy', 'copy_mv', 'events']);
    const again = await setup.reopen(p).run();
    expect(again.results[0]!.message).toBe('OK unchanged');
  });

  it('a changed SELECT or --full-refresh is "not supported by this server" and leaves the view running', async () => {
    const { p, project, sql, rows } = await withEvents({ 'models/copy.sql': COPY("select id, kind from {{ source('raw', 'events') }}") });
    expectStatuses(await project.run(), { copy: 'success' });
    p.write({ 'models/copy.sql': COPY("select id, upper(kind) as kind from {{ source('raw', 'events') }}") });
    const changed = await setup.reopen(p).run();
    expectStatuses(changed, { copy: 'error' });
    expect(changed.results[0]!.message).toMatch(/Materialized view copy: changing the view's SELECT is not supported by this server \(ClickHouse 18\.16/);
    const full = await setup.reopen(p).run({ fullRefresh: true });
    expect(full.results[0]!.message).toMatch(/--full-refresh is not supported by this server/);
    await sql("INSERT INTO $.events VALUES (7, 'x')");
    expect(await rows('SELECT kind FROM $.copy WHERE id = 7')).toEqual([{ kind: 'x' }]);
  });

  it('a view into a table model: created without catchup; with catchup it is refused', async () => {
    const { p, project, sql, rows } = await withEvents({
      'models/target.sql': "{{ config(materialized='table', order_by='id') }}\nselect toUInt64(0) as id, '' as kind where 0",
      'models/feed.sql': "{{ config(materialized='materialized_view', target=ref('target'), catchup=false) }}\nselect id, kind from {{ source('raw', 'events') }}",
    });
    expectStatuses(await project.run(), { target: 'success', feed: 'success' });
    await sql("INSERT INTO $.events VALUES (1, 'a')");
    expect(await rows('SELECT count() AS n FROM $.target')).toEqual([{ n: '1' }]);
    expect((await setup.reopen(p).run()).results.map((r) => r.message)).toEqual(['OK kept (target of 1 materialized view)', 'OK unchanged']);
    p.write({ 'models/feed2.sql': "{{ config(materialized='materialized_view', target=ref('target')) }}\nselect id, kind from {{ source('raw', 'events') }}" });
    const r = await setup.reopen(p).run({ select: ['feed2'] });
    expectStatuses(r, { feed2: 'error' });
    expect(r.results[0]!.message).toMatch(/a view with catchup on a table that exists already is not supported by this server/);
  });

  it('dictionaries, refreshable views and table options are "not supported by this server", with nothing left behind', async () => {
    const { p, project } = await withEvents({
      'models/d.sql': "{{ config(materialized='dictionary') }}\nselect toUInt64(1) as id, 'a' as v",
      'models/r.sql': "{{ config(materialized='materialized_view', refresh='EVERY 1 HOUR') }}\nselect count() as n from {{ source('raw', 'events') }}",
      'models/t.sql': "{{ config(materialized='table', projections=[{'name': 'p', 'query': 'SELECT x, count() GROUP BY x'}]) }}\nselect 1 as x",
    });
    const r = await project.run();
    expectStatuses(r, { d: 'error', r: 'error', t: 'error' });
    const message = (n: string) => r.results.find((x) => x.node.name === n)!.message;
    expect(message('d')).toMatch(/Model d is a dictionary, which is not supported by this server \(ClickHouse 18\.16[\d.]*; CREATE DICTIONARY needs 19\.17 or newer\)/);
    expect(message('r')).toMatch(/refreshable materialized view, which is not supported by this server/);
    expect(message('t')).toMatch(/Not supported by this server \(ClickHouse 18\.16[\d.]*\): projections need ClickHouse 21\.8 or newer/);
    expect(await names(project, p.schema)).toEqual(['events']);
  });
});
