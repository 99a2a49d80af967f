import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';

async function withEvents(files: Record<string, string>) {
  const { p, project } = setup({ 'models/sources.yml': SOURCES, ...files });
  const adapter = await project.adapter();
  await adapter.ensureDatabase(p.schema);
  await adapter.client.command(`CREATE TABLE ${p.schema}.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
  await adapter.client.command(`INSERT INTO ${p.schema}.events SELECT number, if(number % 2, 'a', 'b') FROM numbers(10)`);
  return { p, project, rows: <T = Record<string, unknown>>(sql: string) => queryRows<T>(project, sql.replaceAll('$', p.schema)) };
}

async function ddl(project: TsdbtProject, schema: string, name: string): Promise<string> {
  const [row] = await queryRows<{ q: string }>(project, `SELECT create_table_query AS q FROM system.tables WHERE database = '${schema}' AND name = '${name}'`);
  return row?.q ?? '';
}

const COUNTS = (refresh: string, select = "select kind, count() as n from {{ source('raw', 'events') }} group by kind") =>
  `{{ config(materialized='materialized_view', order_by='kind', refresh=${refresh}) }}\n${select}`;

describe('refreshable materialized views', () => {
  it('builds the target with a first refresh, then a changed schedule is MODIFY REFRESH, a changed SELECT is MODIFY QUERY and a refresh', async () => {
    const { p, project, rows } = await withEvents({ 'models/counts.sql': COUNTS("{'interval': 'EVERY 1 HOUR', 'randomize': '10 MINUTE'}") });
    const r = await project.run();
    expectStatuses(r, { counts: 'success' });
    expect(r.results[0]!.message).toBe('OK built: 2 rows');
    expect(await ddl(project, p.schema, 'counts_mv')).toMatch(/REFRESH EVERY 1 HOUR RANDOMIZE FOR 10 MINUTE TO \S+\.counts/);
    expect(await rows('SELECT kind, n FROM $.counts ORDER BY kind')).toEqual([
      { kind: 'a', n: '5' },
      { kind: 'b', n: '5' },
    ]);
    const unchanged = await setup.reopen(p).run();
    expect(unchanged.results[0]!.message).toBe('OK unchanged');

    p.write({ 'models/counts.sql': COUNTS("{'interval': 'every 2 hour'}") });
    const scheduled = await setup.reopen(p).run();
    expect(scheduled.results[0]!.message).toBe('OK schedule modified');
    expect(await ddl(project, p.schema, 'counts_mv')).toMatch(/REFRESH EVERY 2 HOUR TO/);

    p.write({ 'models/counts.sql': COUNTS("'EVERY 2 HOUR'", "select kind, count() * 10 as n from {{ source('raw', 'events') }} group by kind") });
    const modified = await setup.reopen(p).run();
    expect(modified.results[0]!.message).toBe('OK query modified');
    expect(await rows('SELECT kind, n FROM $.counts ORDER BY kind')).toEqual([
      { kind: 'a', n: '50' },
      { kind: 'b', n: '50' },
    ]);
  });

  it('DEPENDS ON comes from the refs that are refreshable views too, plus depends_on', async () => {
    const { p, project } = await withEvents({
      'models/counts.sql': COUNTS("'EVERY 1 HOUR'"),
      'models/totals.sql': "{{ config(materialized='materialized_view', order_by='tuple()', refresh={'interval': 'EVERY 1 HOUR', 'depends_on': ['counts']}) }}\nselect sum(n) as total from {{ ref('counts') }}",
      'models/ratio.sql': "{{ config(materialized='materialized_view', order_by='tuple()', refresh='EVERY 1 HOUR') }}\nselect max(n) / (select total from {{ ref('totals') }}) as r from {{ ref('counts') }}",
    });
    expectStatuses(await project.run(), { counts: 'success', totals: 'success', ratio: 'success' });
    expect(await ddl(project, p.schema, 'totals_mv')).toMatch(new RegExp(`DEPENDS ON ${p.schema}\\.counts_mv TO`));
    expect(await ddl(project, p.schema, 'ratio_mv')).toMatch(new RegExp(`DEPENDS ON ${p.schema}\\.counts_mv, ${p.schema}\\.totals_mv TO`));
    expect(await queryRows(project, `SELECT total FROM ${p.schema}.totals`)).toEqual([{ total: '10' }]);
  });

  it('into a table model: EMPTY when asked; a first refresh that fails fails the model and leaves no view behind', async () => {
    const TARGET = "{{ config(materialized='table', order_by='kind') }}\nselect '' as kind, toUInt64(0) as n where 0";
    const { p, project, rows } = await withEvents({
      'models/target.sql': TARGET,
      'models/fill.sql': "{{ config(materialized='materialized_view', target=ref('target'), refresh={'interval': 'EVERY 1 DAY', 'empty': true}) }}\nselect kind, count() as n from {{ source('raw', 'events') }} group by kind",
    });
    const r = await project.run();
    expectStatuses(r, { target: 'success', fill: 'success' });
    expect(r.results.find((x) => x.node.name === 'fill')!.message).toBe('OK created (refreshable, empty)');
    expect(await ddl(project, p.schema, 'fill')).toMatch(/REFRESH EVERY 1 DAY TO/);
    expect(await rows('SELECT count() AS c FROM $.target')).toEqual([{ c: '0' }]);

    p.write({ 'models/fill.sql': "{{ config(materialized='materialized_view', target=ref('target'), refresh='EVERY 1 DAY') }}\nselect kind, count() as n from {{ source('raw', 'events') }} group by kind" });
    // Recreating it without EMPTY is not a change of schedule: it stays as it is.
    expect((await setup.reopen(p).run()).results.find((x) => x.node.name === 'fill')!.message).toBe('OK unchanged');

    // (ClickHouse allows one refreshable view per target table.)
    p.write({ 'models/target2.sql': TARGET, 'models/broken.sql': "{{ config(materialized='materialized_view', target=ref('target2'), refresh='EVERY 1 DAY') }}\nselect kind, toUInt64(throwIf(count() > 0) + count()) as n from {{ source('raw', 'events') }} group by kind" });
    const failed = await setup.reopen(p).run({ select: ['target2', 'broken'] });
    expectStatuses(failed, { target2: 'success', broken: 'error' });
    expect(failed.results.find((x) => x.node.name === 'broken')!.message).toMatch(/The refresh of .*broken failed: .*throwIf/);
    expect(failed.results.find((x) => x.node.name === 'broken')!.message).not.toMatch(/Stack trace/);
    expect(await ddl(project, p.schema, 'broken')).toBe('');
  });

  it('its own new target starts empty with empty: true, and is left to the first refresh with wait: false', async () => {
    const { p, project, rows } = await withEvents({
      'models/later.sql': COUNTS("{'interval': 'EVERY 1 DAY', 'empty': true}"),
      'models/background.sql': COUNTS("{'interval': 'EVERY 1 DAY', 'wait': false}"),
    });
    const r = await project.run();
    expectStatuses(r, { later: 'success', background: 'success' });
    expect(r.results.map((x) => x.message).sort()).toEqual(['OK created (refreshable)', 'OK created (refreshable, empty)']);
    expect(await rows('SELECT count() AS n FROM $.later')).toEqual([{ n: '0' }]);
    expect(await ddl(project, p.schema, 'background_mv')).toMatch(/REFRESH EVERY 1 DAY TO/);
    await (await project.adapter()).client.command(`SYSTEM WAIT VIEW ${p.schema}.background_mv`);
    expect(await rows('SELECT sum(n) AS n FROM $.background')).toEqual([{ n: '10' }]);
  });

  it('a view switching between appending and replacing is recreated; bad intervals are project errors', async () => {
    const { p, project } = await withEvents({ 'models/counts.sql': COUNTS("'EVERY 1 HOUR'") });
    expectStatuses(await project.run(), { counts: 'success' });
    p.write({ 'models/counts.sql': COUNTS("{'interval': 'EVERY 1 HOUR', 'append': true}") });
    const r = await setup.reopen(p).run();
    expect(r.results[0]!.message).toBe('OK now appends');
    expect(await ddl(project, p.schema, 'counts_mv')).toMatch(/REFRESH EVERY 1 HOUR APPEND TO/);
    p.write({ 'models/counts.sql': COUNTS("'hourly'") });
    const bad = await setup.reopen(p).run();
    expectStatuses(bad, { counts: 'error' });
    expect(bad.results[0]!.message).toMatch(/refresh interval 'hourly' is not 'EVERY <n> <unit>' or 'AFTER <n> <unit>'/);
  });

  it('a view that fired on inserts becomes refreshable, and back', async () => {
    const plain = "{{ config(materialized='materialized_view', order_by='kind') }}\nselect kind, count() as n from {{ source('raw', 'events') }} group by kind";
    const { p, project } = await withEvents({ 'models/counts.sql': plain });
    expectStatuses(await project.run(), { counts: 'success' });
    p.write({ 'models/counts.sql': COUNTS("'EVERY 1 HOUR'") });
    expectStatuses(await setup.reopen(p).run(), { counts: 'success' });
    expect(await ddl(project, p.schema, 'counts_mv')).toMatch(/REFRESH EVERY 1 HOUR/);
    p.write({ 'models/counts.sql': plain });
    expectStatuses(await setup.reopen(p).run(), { counts: 'success' });
    expect(await ddl(project, p.schema, 'counts_mv')).not.toMatch(/REFRESH/);
  });
});
