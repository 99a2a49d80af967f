import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';

let open: { p: InlineProject; project: TsdbtProject }[] = [];
afterEach(async () => {
  for (const { p, project } of open) {
    await project.close();
    p.cleanup();
  }
  open = [];
});

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';

/** A project over a hand-made `events` table in its own schema. */
async function setup(model: string, ddl: string, rows: string) {
  const p = inlineProject({ 'models/sources.yml': SOURCES, 'models/inc.sql': model });
  const project = p.open();
  open.push({ p, project });
  const sql = async (s: string) => (await project.adapter()).client.command(s);
  await (await project.adapter()).ensureDatabase(p.schema);
  await sql(`CREATE TABLE ${p.schema}.events (${ddl}) ENGINE = MergeTree ORDER BY tuple()`);
  await sql(`INSERT INTO ${p.schema}.events VALUES ${rows}`);
  return { p, project, sql, rows: (q: string) => queryRows(project, q.replaceAll('$', p.schema)) };
}

function reopen(p: InlineProject): TsdbtProject {
  const project = p.open();
  open.push({ p: { ...p, cleanup: () => {} }, project });
  return project;
}

const APPEND = `{{ config(materialized='incremental') }}
select id, v from {{ source('raw', 'events') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`;

describe('incremental materialization', () => {
  it('append adds only the rows is_incremental() lets through; --full-refresh rebuilds', async () => {
    const { project, sql, rows } = await setup(APPEND, 'id UInt32, v String', "(1, 'a'), (2, 'b')");
    const first = await project.run();
    expect(statuses(first)).toEqual({ inc: 'success' });
    expect(first.results[0]!.message).toBe('OK 2 rows');
    expect(first.results[0]!.compiledCode).not.toMatch(/where id >/);

    await sql(`INSERT INTO ${project.target.schema}.events VALUES (3, 'c'), (4, 'd')`);
    const second = await project.run();
    expect(statuses(second)).toEqual({ inc: 'success' });
    expect(second.results[0]!.message).toBe('OK append 2 rows');
    expect(second.results[0]!.rowsAffected).toBe(2);
    expect(await rows('SELECT id, v FROM $.inc ORDER BY id')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
      { id: 4, v: 'd' },
    ]);

    // A re-run with nothing new adds nothing.
    const third = await project.run();
    expect(third.results[0]!.message).toBe('OK append 0 rows');
    expect(await rows('SELECT count() AS c FROM $.inc')).toEqual([{ c: '4' }]);

    await sql(`TRUNCATE TABLE ${project.target.schema}.events`);
    await sql(`INSERT INTO ${project.target.schema}.events VALUES (10, 'z')`);
    const full = await project.run({ fullRefresh: true });
    expect(statuses(full)).toEqual({ inc: 'success' });
    expect(full.results[0]!.message).toBe('OK 1 rows');
    expect(await rows('SELECT id, v FROM $.inc')).toEqual([{ id: 10, v: 'z' }]);
    expect(await rows("SELECT name FROM system.tables WHERE database = '$' ORDER BY name")).toEqual([{ name: 'events' }, { name: 'inc' }]);
  });

  it('append reaches a materialized view that reads the model (its rows are inserted, not attached)', async () => {
    const { p, project, sql, rows } = await setup(APPEND, 'id UInt32, v String', "(1, 'a'), (2, 'b')");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`CREATE MATERIALIZED VIEW ${p.schema}.ids ENGINE = MergeTree ORDER BY id AS SELECT id FROM ${p.schema}.inc`);
    await sql(`INSERT INTO ${p.schema}.events VALUES (3, 'c'), (4, 'd')`);
    const r = await project.run();
    expect(r.results[0]!.message).toBe('OK append 2 rows');
    expect(await rows('SELECT id FROM $.ids ORDER BY id')).toEqual([{ id: 3 }, { id: 4 }]);
  });

  it('a table left under its backup name by a crash mid-swap is put back, so the history is kept', async () => {
    const { p, project, sql, rows } = await setup(APPEND, 'id UInt32, v String', "(1, 'a'), (2, 'b')");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`RENAME TABLE ${p.schema}.inc TO ${p.schema}.inc__tsdbt_backup_crashedrun`);
    await sql(`TRUNCATE TABLE ${p.schema}.events`);
    await sql(`INSERT INTO ${p.schema}.events VALUES (3, 'c')`);
    const r = await reopen(p).run();
    expect(r.results[0]!.message).toBe('OK append 1 rows');
    expect(await rows('SELECT id FROM $.inc ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await rows("SELECT name FROM system.tables WHERE database = '$' AND name LIKE 'inc%'")).toEqual([{ name: 'inc' }]);
  });

  it('target/compiled and run_results show the SQL an incremental run ran (is_incremental() true)', async () => {
    const { p, project, sql } = await setup(APPEND, 'id UInt32, v String', "(1, 'a')");
    const first = await project.run();
    expect(first.results[0]!.compiledCode).not.toContain('where id >');
    await sql(`INSERT INTO ${p.schema}.events VALUES (2, 'b')`);
    const second = await project.run();
    // the SQL it ran: dbt_semantics' max() of a scalar subquery is NULL over no rows (empty-aggregates.ts)
    expect(second.results[0]!.compiledCode).toContain(`where id > (select maxOrNull(id) from \`${p.schema}\`.\`inc\`)`);
    expect(readFileSync(join(p.dir, 'target/compiled/proj/models/inc.sql'), 'utf8')).toContain('where id > (select maxOrNull(id)');
  });

  it("config full_refresh=false wins over --full-refresh (dbt's should_full_refresh)", async () => {
    const model = APPEND.replace("materialized='incremental'", "materialized='incremental', full_refresh=false");
    const { project, sql, rows } = await setup(model, 'id UInt32, v String', "(1, 'a')");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`TRUNCATE TABLE ${project.target.schema}.events`);
    await sql(`INSERT INTO ${project.target.schema}.events VALUES (2, 'b')`);
    const r = await project.run({ fullRefresh: true });
    expect(r.results[0]!.message).toBe('OK append 1 rows');
    expect(await rows('SELECT id FROM $.inc ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("unique_key=[] means no key, as dbt (an empty list is falsy in its Jinja): the model appends", async () => {
    const model = `{{ config(materialized='incremental', unique_key=[]) }}
select id, v from {{ source('raw', 'events') }}`;
    const { project, sql, rows } = await setup(model, 'id UInt32, v UInt32', '(1, 1)');
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`TRUNCATE TABLE ${project.target.schema}.events`);
    await sql(`INSERT INTO ${project.target.schema}.events VALUES (1, 2)`);
    const r = await project.run();
    expect(r.results[0]!.message).toBe('OK append 1 rows');
    expect(await rows('SELECT id, v FROM $.inc ORDER BY v')).toEqual([
      { id: 1, v: 1 },
      { id: 1, v: 2 },
    ]);
  });

  it('delete+insert with unique_key replaces changed keys and adds new ones', async () => {
    const model = `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert') }}
select id, v from {{ source('raw', 'events') }}`;
    const { project, sql, rows } = await setup(model, 'id UInt32, v String', "(1, 'a'), (2, 'b')");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`TRUNCATE TABLE ${project.target.schema}.events`);
    await sql(`INSERT INTO ${project.target.schema}.events VALUES (2, 'B'), (3, 'c')`);
    const r = await project.run();
    expect(statuses(r)).toEqual({ inc: 'success' });
    expect(r.results[0]!.message).toBe('OK delete+insert 2 rows'); // rows written: key 2 replaced, key 3 added
    expect(await rows('SELECT id, v FROM $.inc ORDER BY id')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'B' },
      { id: 3, v: 'c' },
    ]);
    expect(await rows("SELECT name FROM system.tables WHERE database = '$' AND name LIKE '%tsdbt%'")).toEqual([]);
  });

  it("a delete+insert whose new rows do not fit the table's types (on_schema_change 'ignore') fails clearly and keeps every row", async () => {
    const model = (v: string) => `{{ config(materialized='incremental', unique_key='id') }}
select id, ${v} as v from {{ source('raw', 'events') }}`;
    const { p, project, sql, rows } = await setup(model('toInt32(v)'), 'id UInt32, v String', "(1, '10'), (2, '20')");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`INSERT INTO ${p.schema}.events VALUES (3, 'thirty')`);
    // The model now returns v as text: the rows of keys 1..3 are replaced by rows whose v is not an Int32.
    p.write({ 'models/inc.sql': model('v') });
    const r = await reopen(p).run();
    expect(statuses(r)).toEqual({ inc: 'error' });
    expect(r.results[0]!.message).toMatch(/v is String in the model but Int32 in the table/);
    expect(r.results[0]!.message).toMatch(/Nothing was changed/);
    // Before: the DELETE ran, the INSERT failed, keys 1 and 2 were gone.
    expect(await rows('SELECT id, v FROM $.inc ORDER BY id')).toEqual([
      { id: 1, v: 10 },
      { id: 2, v: 20 },
    ]);
    expect(await rows("SELECT name FROM system.tables WHERE database = '$' ORDER BY name")).toEqual([{ name: 'events' }, { name: 'inc' }]);
  });

  it("on_schema_change 'ignore' warns about a column whose type changed", async () => {
    const model = (v: string) => `{{ config(materialized='incremental', unique_key='id') }}
select id, ${v} as v from {{ source('raw', 'events') }}`;
    const { p, project, rows } = await setup(model('toUInt8(id)'), 'id UInt32', '(1), (2)');
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    p.write({ 'models/inc.sql': model('toUInt16(id) * 100') });
    const r = await reopen(p).run();
    expect(statuses(r)).toEqual({ inc: 'success' });
    expect(r.results[0]!.warnings.join('\n')).toMatch(/type changed: v UInt8 -> UInt(16|32)\); on_schema_change='ignore' keeps the table's columns/);
    expect(await rows('SELECT id FROM $.inc ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('incremental_predicates narrow the DELETE of delete+insert', async () => {
    const model = `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert', incremental_predicates=["v != 'keep'"]) }}
select id, v from {{ source('raw', 'events') }}`;
    const { project, sql, rows } = await setup(model, 'id UInt32, v String', "(1, 'keep'), (2, 'b')");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`TRUNCATE TABLE ${project.target.schema}.events`);
    await sql(`INSERT INTO ${project.target.schema}.events VALUES (1, 'new'), (2, 'B')`);
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    // key 1's old row is outside the predicate: kept beside the new one
    expect(await rows('SELECT id, v FROM $.inc ORDER BY id, v')).toEqual([
      { id: 1, v: 'keep' },
      { id: 1, v: 'new' },
      { id: 2, v: 'B' },
    ]);
  });

  it('delete+insert is the default strategy when unique_key is set (composite key)', async () => {
    const model = `{{ config(materialized='incremental', unique_key=['id', 'k']) }}
select id, k, v from {{ source('raw', 'events') }}`;
    const { project, sql, rows } = await setup(model, 'id UInt32, k String, v UInt32', "(1, 'x', 1), (1, 'y', 2)");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`TRUNCATE TABLE ${project.target.schema}.events`);
    await sql(`INSERT INTO ${project.target.schema}.events VALUES (1, 'y', 20)`);
    const r = await project.run();
    expect(r.results[0]!.message).toBe('OK delete+insert 1 rows');
    expect(await rows('SELECT id, k, v FROM $.inc ORDER BY k')).toEqual([
      { id: 1, k: 'x', v: 1 },
      { id: 1, k: 'y', v: 20 },
    ]);
  });

  it('insert_overwrite replaces the partitions the new rows fall in and keeps the others', async () => {
    const model = `{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='toYYYYMM(d)', order_by='d') }}
select d, v from {{ source('raw', 'events') }}`;
    const { project, sql, rows } = await setup(model, 'd Date, v String', "('2024-01-05', 'jan'), ('2024-02-05', 'feb1'), ('2024-02-06', 'feb2')");
    expect(statuses(await project.run())).toEqual({ inc: 'success' });
    await sql(`TRUNCATE TABLE ${project.target.schema}.events`);
    await sql(`INSERT INTO ${project.target.schema}.events VALUES ('2024-02-10', 'feb-new'), ('2024-03-01', 'mar')`);
    const r = await project.run();
    expect(statuses(r)).toEqual({ inc: 'success' });
    expect(r.results[0]!.message).toBe('OK insert_overwrite 2 rows');
    expect(await rows('SELECT toString(d) AS d, v FROM $.inc ORDER BY d')).toEqual([
      { d: '2024-01-05', v: 'jan' },
      { d: '2024-02-10', v: 'feb-new' },
      { d: '2024-03-01', v: 'mar' },
    ]);
  });

  it('insert_overwrite keeps working when the model gains a column (on_schema_change ignore and append_new_columns)', async () => {
    for (const osc of ['ignore', 'append_new_columns']) {
      const model = (cols: string) => `{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='toYYYYMM(d)', order_by='d', on_schema_change='${osc}') }}
select ${cols} from {{ source('raw', 'events') }}`;
      const { p, project, sql, rows } = await setup(model('d, v'), 'd Date, v String, w UInt8', "('2024-01-05', 'jan', 1)");
      expect(statuses(await project.run())).toEqual({ inc: 'success' });
      await sql(`TRUNCATE TABLE ${p.schema}.events`);
      await sql(`INSERT INTO ${p.schema}.events VALUES ('2024-02-10', 'feb', 2)`);
      p.write({ 'models/inc.sql': model('d, v, w') });
      const r = await reopen(p).run();
      expect(statuses(r), r.results[0]!.message).toEqual({ inc: 'success' });
      expect(await rows('SELECT toString(d) AS d, v FROM $.inc ORDER BY d')).toEqual([
        { d: '2024-01-05', v: 'jan' },
        { d: '2024-02-10', v: 'feb' },
      ]);
    }
  });

  it("delete+insert without unique_key appends (dbt-clickhouse's plain insert when unique_key is none, dbt-core's keyless delete+insert); an empty list is no key", async () => {
    for (const key of ['', ", unique_key=[]"]) {
      const model = `{{ config(materialized='incremental', incremental_strategy='delete+insert'${key}) }}
select id, v from {{ source('raw', 'events') }}
{% if is_incremental() %}where id >= (select max(id) from {{ this }}){% endif %}`;
      const { p, project, sql, rows } = await setup(model, 'id UInt32, v String', "(1, 'a'), (2, 'b')");
      expect(statuses(await project.run())).toEqual({ inc: 'success' });
      await sql(`INSERT INTO ${p.schema}.events VALUES (3, 'c')`);
      const r = await project.run();
      expect(statuses(r), r.results[0]!.message).toEqual({ inc: 'success' });
      expect(r.results[0]!.message).toBe('OK append 2 rows');
      // No key, nothing replaced: id 2 is read again and is there twice (dbt-clickhouse's answer).
      expect(await rows('SELECT id, v FROM $.inc ORDER BY id, v')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
        { id: 2, v: 'b' },
        { id: 3, v: 'c' },
      ]);
    }
  });

  it('insert_overwrite without partition_by is a project error', async () => {
    const { project } = await setup("{{ config(materialized='incremental', incremental_strategy='insert_overwrite') }}\nselect 1 as id", 'id UInt8', '(1)');
    const r = await project.run();
    expect(statuses(r)).toEqual({ inc: 'error' });
    expect(r.results[0]!.message).toMatch(/insert_overwrite needs partition_by/);
    expect(r.results[0]!.file).toBe('models/inc.sql');
  });

  describe('on_schema_change', () => {
    const base = (osc: string, extra = '') => `{{ config(materialized='incremental', on_schema_change='${osc}') }}
select id${extra} from {{ source('raw', 'events') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`;

    it("'fail' errors on a new column and leaves the table as it was", async () => {
      const { p, project, sql, rows } = await setup(base('fail'), 'id UInt32, v String', "(1, 'a')");
      expect(statuses(await project.run())).toEqual({ inc: 'success' });
      await sql(`INSERT INTO ${p.schema}.events VALUES (2, 'b')`);
      p.write({ 'models/inc.sql': base('fail', ', v') });
      const r = await reopen(p).run();
      expect(statuses(r)).toEqual({ inc: 'error' });
      expect(r.results[0]!.message).toContain("The columns of incremental model inc changed (added: v; removed: none) and on_schema_change is 'fail'");
      expect(await rows("SELECT name FROM system.columns WHERE database = '$' AND table = 'inc' ORDER BY position")).toEqual([{ name: 'id' }]);
      expect(await rows('SELECT id FROM $.inc')).toEqual([{ id: 1 }]);
    });

    // dbt: "None of the on_schema_change behaviors backfill values in old records for newly added
    // columns" — NULL on every other warehouse; under dbt_semantics (the default) the added column
    // is Nullable so that the old rows hold NULL, with dbt_semantics=false ClickHouse's default ('').
    it.each([
      ['NULL (dbt_semantics)', '', 'Nullable(String)', null],
      ["the type's default (dbt_semantics=false)", ', dbt_semantics=false', 'String', ''],
    ])("'append_new_columns' adds the column; old rows get %s", async (_what, extra, type, old) => {
      const model = (cols = '') => base('append_new_columns', cols).replace("on_schema_change='append_new_columns'", `on_schema_change='append_new_columns'${extra}`);
      const { p, project, sql, rows } = await setup(model(), 'id UInt32, v String', "(1, 'a')");
      expect(statuses(await project.run())).toEqual({ inc: 'success' });
      await sql(`INSERT INTO ${p.schema}.events VALUES (2, 'b')`);
      p.write({ 'models/inc.sql': model(', v') });
      const again = reopen(p);
      const r = await again.run();
      expect(statuses(r)).toEqual({ inc: 'success' });
      expect(await rows("SELECT name, type FROM system.columns WHERE database = '$' AND table = 'inc' ORDER BY position")).toEqual([
        { name: 'id', type: 'UInt32' },
        { name: 'v', type },
      ]);
      expect(await rows('SELECT id, v FROM $.inc ORDER BY id')).toEqual([
        { id: 1, v: old },
        { id: 2, v: 'b' },
      ]);
      expect(r.results[0]!.warnings).toEqual([`models/inc.sql: added columns v to ${p.schema}.inc`]);
    });

    it("'sync_all_columns' adds new columns, drops missing ones and changes types", async () => {
      const osc = (cols: string) => `{{ config(materialized='incremental', on_schema_change='sync_all_columns') }}
select ${cols} from {{ source('raw', 'events') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`;
      const { p, project, sql, rows } = await setup(osc('id, v'), 'id UInt32, v String, w UInt8', "(1, 'a', 7)");
      expect(statuses(await project.run())).toEqual({ inc: 'success' });
      await sql(`INSERT INTO ${p.schema}.events VALUES (2, 'b', 8)`);
      p.write({ 'models/inc.sql': osc('toUInt64(id) as id, w') });
      const r = await reopen(p).run();
      expect(statuses(r)).toEqual({ inc: 'success' });
      expect(await rows("SELECT name, type FROM system.columns WHERE database = '$' AND table = 'inc' ORDER BY position")).toEqual([
        { name: 'id', type: 'UInt64' },
        { name: 'w', type: 'Nullable(UInt8)' },
      ]);
      // The old rows have no value for the added column: NULL, as dbt (dbt_semantics).
      expect(await rows('SELECT id, w FROM $.inc ORDER BY id')).toEqual([
        { id: '1', w: null },
        { id: '2', w: 8 },
      ]);
      expect(r.results[0]!.warnings).toEqual([
        `models/inc.sql: synced the columns of ${p.schema}.inc with the model (added: w; removed: v; type changed: id UInt32 -> UInt64)`,
      ]);
    });

    it("'fail' also fails when only a column's type changed", async () => {
      const { p, project } = await setup(base('fail'), 'id UInt32, v String', "(1, 'a')");
      expect(statuses(await project.run())).toEqual({ inc: 'success' });
      p.write({ 'models/inc.sql': base('fail').replace('select id', 'select toInt64(id) as id') });
      const r = await reopen(p).run();
      expect(r.results[0]!.message).toContain("The columns of incremental model inc changed (added: none; removed: none; type changed: id UInt32 -> Int64) and on_schema_change is 'fail'");
    });

    it('an unknown value is reported and treated as ignore, as dbt does', () => {
      const p = inlineProject({ 'models/inc.sql': "select 1 as id\n{{ config(materialized='incremental', on_schema_change='sync_all_column') }}" });
      const logs: string[] = [];
      const project = p.open({ onLog: (m, level) => level === 'warn' && logs.push(m) });
      open.push({ p, project });
      expect(logs).toEqual(["models/inc.sql: on_schema_change='sync_all_column' is not one of ignore, fail, append_new_columns, sync_all_columns (did you mean 'sync_all_columns'?); 'ignore' is used"]);
    });

    it("'ignore' (the default) keeps the table's columns and inserts the shared ones", async () => {
      const { p, project, sql, rows } = await setup(base('ignore'), 'id UInt32, v String', "(1, 'a')");
      expect(statuses(await project.run())).toEqual({ inc: 'success' });
      await sql(`INSERT INTO ${p.schema}.events VALUES (2, 'b')`);
      p.write({ 'models/inc.sql': base('ignore', ', v') });
      const r = await reopen(p).run();
      expect(statuses(r)).toEqual({ inc: 'success' });
      expect(r.results[0]!.message).toBe('OK append 1 rows');
      expect(await rows("SELECT name FROM system.columns WHERE database = '$' AND table = 'inc' ORDER BY position")).toEqual([{ name: 'id' }]);
      expect(await rows('SELECT id FROM $.inc ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    });
  });
});
