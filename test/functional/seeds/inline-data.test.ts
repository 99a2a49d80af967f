import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';

// chDB ends the inline data of `INSERT … FORMAT x\n<data>` at the first blank line and runs what
// follows as SQL. Seeds and every other insert into chDB must load their data as data.

let p: InlineProject;
let project: TsdbtProject;

const bytes = (text: string) => Readable.from([Buffer.from(text)], { objectMode: false });

const tables = async () =>
  (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name);

beforeAll(async () => {
  p = inlineProject({ 'models/victim.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
  p.write({
    'seeds/notes.csv': 'id,note\n1,"two\n\nlines"\n2,plain\n3,"ends blank\n\n"\n',
    // The data holds SQL after a blank line, inside a quoted value and bare.
    'seeds/attack.csv': `id,sql\n1,"x\n\nDROP TABLE ${p.schema}.victim"\n2,"y\n\nCREATE TABLE ${p.schema}.made (a Int8) ENGINE = Memory"\n`,
  });
  project = p.open();
  expect(statuses(await project.run())).toEqual({ victim: 'success' });
});

afterAll(async () => {
  await project?.close();
  p?.cleanup();
});

describe('inline INSERT data on the embedded engine', () => {
  it('a seed with a quoted value holding a blank line loads exactly', async () => {
    const r = await project.seed({ select: ['notes'] });
    expect(statuses(r)).toEqual({ notes: 'success' });
    expect(await queryRows(project, `SELECT id, note FROM ${p.schema}.notes ORDER BY id`)).toEqual([
      { id: 1, note: 'two\n\nlines' },
      { id: 2, note: 'plain' },
      { id: 3, note: 'ends blank\n\n' },
    ]);
  });

  it("a seed whose values hold SQL after a blank line loads them as data and runs none of it", async () => {
    const r = await project.seed({ select: ['attack'] });
    expect(statuses(r)).toEqual({ attack: 'success' });
    expect(await queryRows(project, `SELECT id, sql FROM ${p.schema}.attack ORDER BY id`)).toEqual([
      { id: 1, sql: `x\n\nDROP TABLE ${p.schema}.victim` },
      { id: 2, sql: `y\n\nCREATE TABLE ${p.schema}.made (a Int8) ENGINE = Memory` },
    ]);
    expect(await tables()).not.toContain('made');
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.victim`)).toEqual([{ x: 1 }]);
  });

  it('raw data with statements after a blank line goes into the table as rows, nothing runs', async () => {
    const client = (await project.adapter()).client;
    // TinyLog: read back in insertion order (Log reads its blocks in parallel).
    await client.command(`CREATE TABLE ${p.schema}.lines (s String) ENGINE = TinyLog`);
    const data = `a\n\nDROP TABLE ${p.schema}.victim\n\nCREATE TABLE ${p.schema}.made2 (a Int8) ENGINE = Memory\nz\n`;
    await client.insertStream(`${p.schema}.lines`, bytes(data), 'TabSeparated');
    await client.insertStream(`${p.schema}.lines`, bytes(`b\n\nDROP TABLE ${p.schema}.victim\n`), 'CSV');
    expect((await queryRows<{ s: string }>(project, `SELECT s FROM ${p.schema}.lines`)).map((r) => r.s)).toEqual([
      'a',
      '',
      `DROP TABLE ${p.schema}.victim`,
      '',
      `CREATE TABLE ${p.schema}.made2 (a Int8) ENGINE = Memory`,
      'z',
      'b',
      '',
      `DROP TABLE ${p.schema}.victim`,
    ]);
    expect(await tables()).not.toContain('made2');
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.victim`)).toEqual([{ x: 1 }]);
  });

  it('an INSERT … FORMAT with its data in the statement (a hook, run_query) takes the data as data; VALUES stays SQL', async () => {
    const client = (await project.adapter()).client;
    const t = `${p.schema}.hooked`;
    await client.command(`CREATE TABLE ${t} (s String) ENGINE = TinyLog`);
    await client.command(`-- a hook\nINSERT INTO ${t} FORMAT TabSeparated\nh1\n\nDROP TABLE ${p.schema}.victim\n`);
    await client.query(`INSERT INTO ${t} (s) FORMAT CSV\n"q\n\nCREATE TABLE ${p.schema}.made3 (a Int8) ENGINE = Memory"\n`);
    client.querySync(`insert into ${t} settings input_format_tsv_empty_as_default = 1 format TSV\nsync\n\nDROP TABLE ${p.schema}.victim\n`);
    await client.command(`INSERT INTO ${t} VALUES ('v\n\nDROP TABLE x')`);
    expect((await queryRows<{ s: string }>(project, `SELECT s FROM ${t}`)).map((r) => r.s)).toEqual([
      'h1',
      '',
      `DROP TABLE ${p.schema}.victim`,
      `q\n\nCREATE TABLE ${p.schema}.made3 (a Int8) ENGINE = Memory`,
      'sync',
      '',
      `DROP TABLE ${p.schema}.victim`,
      'v\n\nDROP TABLE x',
    ]);
    expect(await tables()).not.toContain('made3');
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.victim`)).toEqual([{ x: 1 }]);
  });

  it('an empty body inserts nothing and fails nothing', async () => {
    const client = (await project.adapter()).client;
    await client.command(`CREATE TABLE ${p.schema}.empty_in (s String) ENGINE = Memory`);
    await client.insertStream(`${p.schema}.empty_in`, bytes(''), 'CSV');
    await client.insertStream(`${p.schema}.empty_in`, bytes('\n\n'), 'CSV');
    expect(await queryRows(project, `SELECT count() AS c FROM ${p.schema}.empty_in`)).toEqual([{ c: '0' }]);
  });
});
