import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { CLI } from '../../helpers/cli.js';
import { expectStatuses, inlineProject, openedPerTest, queryRows, type InlineProject } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';
// on_schema_change='rebuild': new columns rebuild the target (a normal run otherwise never does), the path under test.
const COPY = (select: string) => `{{ config(materialized='materialized_view', order_by='id', on_schema_change='rebuild') }}\n${select}`;
const V1 = "select id, kind from {{ source('raw', 'events') }}";
const V2 = "select id, kind, id * 2 as twice from {{ source('raw', 'events') }}";

async function names(project: TsdbtProject, schema: string): Promise<string[]> {
  return (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`)).map((r) => r.name);
}

/** The `--debug` log line that opens each statement sent: `HH:MM:SS  On <node>: …`. */
const STATEMENT_LOG = /\d\d:\d\d:\d\d {2}On [^\n]*\n/;

/**
 * Runs the CLI with `--debug` on `p` and SIGKILLs it `afterMs` after it sent a statement matching
 * `statement` (checked per logged statement). Timing from the START line instead let a loaded
 * machine kill the run before its slow statement began.
 */
function runAndKill(p: InlineProject, model: string, statement: RegExp, afterMs: number): Promise<{ signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, [CLI, 'run', '--debug', '--project-dir', p.dir, '--select', model], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let armed = false;
  const watch = (d: Buffer): void => {
    out += String(d);
    if (!armed && out.split(STATEMENT_LOG).some((text) => statement.test(text))) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), afterMs);
    }
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ signal, out })));
}

describe('materialized views after a crash', () => {
  it('a rebuild killed (kill -9) during its backfill leaves the previous view and target answering; the next run rebuilds', async () => {
    const p = inlineProject({ 'models/sources.yml': SOURCES, 'models/copy.sql': COPY(V1) });
    let project = p.open();
    setup.track(p, project);
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    await adapter.client.command(`CREATE TABLE ${p.schema}.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    await adapter.client.command(`INSERT INTO ${p.schema}.events SELECT number, 'k' FROM numbers(40)`);
    expectStatuses(await project.run(), { copy: 'success' });
    await project.close(); // the CLI needs the embedded warehouse to itself

    // v2's backfill reads 40 rows at 50 ms each (longer on a loaded machine): killed a second into it.
    p.write({ 'models/copy.sql': COPY("select id, kind, id * 2 + toUInt64(sleepEachRow(0.05)) as twice from {{ source('raw', 'events') }} settings max_block_size = 1") });
    const killed = await runAndKill(p, 'copy', /^INSERT INTO[\s\S]*sleepEachRow/m, 1000);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.out).not.toMatch(/OK rebuilt/);

    project = setup.reopen(p);
    // The previous objects answer: the old table, and the old view still writes into it.
    expect((await queryRows<{ name: string }>(project, `DESCRIBE TABLE ${p.schema}.copy`)).map((c) => c.name)).toEqual(['id', 'kind']);
    await (await project.adapter()).client.command(`INSERT INTO ${p.schema}.events VALUES (100, 'late')`);
    expect(await queryRows(project, `SELECT count() AS n FROM ${p.schema}.copy`)).toEqual([{ n: '41' }]);
    expect((await names(project, p.schema)).some((n) => n.includes('__tsdbt_'))).toBe(true); // what the killed run left

    p.write({ 'models/copy.sql': COPY(V2) });
    const r = await setup.reopen(p).run();
    expectStatuses(r, { copy: 'success' });
    expect(r.results[0]!.message).toBe('OK rebuilt (columns changed): 41 rows (41 backfilled)');
    expect(await queryRows(project, `SELECT count() AS n, countIf(twice = id * 2) AS ok FROM ${p.schema}.copy`)).toEqual([{ n: '41', ok: '41' }]);
    expect(await names(project, p.schema)).toEqual(['copy', 'copy_mv', 'events']);
  });

  it('a rebuild killed while switching its target in is finished by the next run: no row lost or doubled', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/copy.sql': COPY(V1) });
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id');
    await sql("INSERT INTO $.events SELECT number, 'k' FROM numbers(10)");
    expectStatuses(await project.run(), { copy: 'success' });
    // The state a run killed in the switch leaves (run id of a dead process): the complete staged
    // target marked as switching, its gated staged view, and the final view already on the new SELECT.
    const run = 'deadbeef_x';
    const select = `SELECT id, kind, id * 2 AS twice FROM $.events`;
    await sql(`CREATE TABLE $.copy__tsdbt_tmp_${run}__new (id UInt64, kind String, twice UInt64) ENGINE = MergeTree ORDER BY id COMMENT 'tsdbt:switching:${run}'`);
    await sql(`CREATE TABLE $.copy__tsdbt_tmp_${run}__gate (open UInt8) ENGINE = Memory`);
    await sql(`INSERT INTO $.copy__tsdbt_tmp_${run}__gate SELECT 1`);
    await sql(`INSERT INTO $.copy__tsdbt_tmp_${run}__new ${select}`);
    await sql(`CREATE MATERIALIZED VIEW $.copy_mv__tsdbt_tmp_${run}__staged TO $.copy__tsdbt_tmp_${run}__new AS SELECT * FROM (${select}) WHERE (SELECT count() FROM $.copy__tsdbt_tmp_${run}__gate) > 0`);
    await sql(`ALTER TABLE $.copy_mv MODIFY QUERY ${select}`);
    // Rows keep coming while nobody finishes the switch.
    await sql("INSERT INTO $.events SELECT 10 + number, 'k' FROM numbers(5)");
    // Another model's run in the same database sweeps leftovers: it must leave an unfinished switch alone.
    p.write({ 'models/other.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
    expect((await names(project, p.schema)).filter((n) => n.includes(run))).toHaveLength(3);

    p.write({ 'models/copy.sql': COPY(V2) });
    const r = await setup.reopen(p).run({ select: ['copy'] });
    expectStatuses(r, { copy: 'success' });
    expect(r.results[0]!.message).toBe('OK unchanged'); // the switch the killed run began is what v2 wants
    expect(await queryRows(project, `SELECT count() AS n, uniqExact(id) AS ids, countIf(twice = id * 2) AS ok FROM ${p.schema}.copy`)).toEqual([{ n: '15', ids: '15', ok: '15' }]);
    expect(await names(project, p.schema)).toEqual(['copy', 'copy_mv', 'events', 'other']);
    await sql("INSERT INTO $.events VALUES (99, 'z')");
    expect(await queryRows(project, `SELECT twice FROM ${p.schema}.copy WHERE id = 99`)).toEqual([{ twice: '198' }]);
  });

  it("a killed rebuild's staged view is dropped before the table it writes into, so inserts into the source keep working", async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/copy.sql': COPY(V1), 'models/other.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id');
    expectStatuses(await project.run(), { copy: 'success', other: 'success' });
    const run = 'cafebabe_x';
    await sql(`CREATE TABLE $.copy__tsdbt_tmp_${run}__new (id UInt64, kind String) ENGINE = MergeTree ORDER BY id COMMENT 'tsdbt:staged:${run}'`);
    await sql(`CREATE MATERIALIZED VIEW $.copy_mv__tsdbt_tmp_${run}__staged TO $.copy__tsdbt_tmp_${run}__new AS SELECT id, kind FROM $.events`);
    expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
    expect(await names(project, p.schema)).toEqual(['copy', 'copy_mv', 'events', 'other']);
    await sql("INSERT INTO $.events VALUES (1, 'a')");
    expect(await queryRows(project, `SELECT count() AS n FROM ${p.schema}.copy`)).toEqual([{ n: '1' }]);
  });

  it("a killed run's staged view in another database (a view model with a schema of its own) goes before the table it writes into", async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/copy.sql': COPY(V1), 'models/other.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await adapter.ensureDatabase(`${p.schema}_feeds`);
    await sql('CREATE TABLE $.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id');
    expectStatuses(await project.run(), { copy: 'success', other: 'success' });
    const run = 'cafebabe_y';
    await sql(`CREATE TABLE $.copy__tsdbt_tmp_${run}__new (id UInt64, kind String) ENGINE = MergeTree ORDER BY id COMMENT 'tsdbt:staged:${run}'`);
    await sql(`CREATE MATERIALIZED VIEW $_feeds.feed_mv__tsdbt_tmp_${run}__staged TO $.copy__tsdbt_tmp_${run}__new AS SELECT id, kind FROM $.events`);
    expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
    expect(await names(project, p.schema)).toEqual(['copy', 'copy_mv', 'events', 'other']);
    expect(await names(project, `${p.schema}_feeds`)).toEqual([]);
    await sql("INSERT INTO $.events VALUES (1, 'a')");
    expect(await queryRows(project, `SELECT count() AS n FROM ${p.schema}.copy`)).toEqual([{ n: '1' }]);
    await sql(`DROP DATABASE $_feeds`);
  });

  it("a run killed while switching keeps its staged view in another database when that database is swept: the recovery's exchange gets every row", async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/copy.sql': COPY(V1), 'models/other.sql': "{{ config(materialized='table', schema='feeds') }}\nselect 1 as x" });
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id');
    expectStatuses(await project.run(), { copy: 'success', other: 'success' });
    const run = 'cafebabe_z';
    await sql(`CREATE TABLE $.copy__tsdbt_tmp_${run}__new (id UInt64, kind String) ENGINE = MergeTree ORDER BY id COMMENT 'tsdbt:switching:${run}'`);
    await sql(`CREATE MATERIALIZED VIEW $_feeds.feed_mv__tsdbt_tmp_${run}__staged TO $.copy__tsdbt_tmp_${run}__new AS SELECT id, kind FROM $.events`);
    // A run of a model in the view's database sweeps it: the twin still carries inserts into the staged target.
    expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
    expect(await names(project, `${p.schema}_feeds`)).toEqual(['feed_mv__tsdbt_tmp_cafebabe_z__staged', 'other']);
    await sql("INSERT INTO $.events VALUES (1, 'a')");
    expect(await queryRows(project, `SELECT count() AS n FROM ${p.schema}.copy__tsdbt_tmp_${run}__new`)).toEqual([{ n: '1' }]);
    await sql(`DROP DATABASE $_feeds`);
  });

  it('a dictionary rebuild killed (kill -9) while loading leaves the previous dictionary answering; the next run succeeds', async () => {
    const p = inlineProject({ 'models/d.sql': "{{ config(materialized='dictionary') }}\nselect number as id, 'old' as v from numbers(3)" });
    let project = p.open();
    setup.track(p, project);
    expectStatuses(await project.run(), { d: 'success' });
    await project.close();
    p.write({ 'models/d.sql': "{{ config(materialized='dictionary') }}\nselect number as id, if(sleepEachRow(0.1) = 0, 'new', '') as v from numbers(25) settings max_block_size = 1" });
    const killed = await runAndKill(p, 'd', /^SYSTEM RELOAD DICTIONARY/m, 1000);
    expect(killed.signal).toBe('SIGKILL');
    project = setup.reopen(p);
    expect(await queryRows(project, `SELECT dictGet('${p.schema}.d', 'v', toUInt64(1)) AS v`)).toEqual([{ v: 'old' }]);
    const r = await setup.reopen(p).run();
    expectStatuses(r, { d: 'success' });
    expect(await queryRows(project, `SELECT dictGet('${p.schema}.d', 'v', toUInt64(1)) AS v`)).toEqual([{ v: 'new' }]);
    expect(await names(project, p.schema)).toEqual(['d']);
  });
});
