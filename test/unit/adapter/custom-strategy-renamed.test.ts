import { describe, expect, it } from 'vitest';
import { namesBare, renamed } from '../../../packages/core/src/adapter/materializations/custom-strategy.js';

describe("a custom incremental strategy's SQL run on the table's copy (custom-strategy.ts renamed)", () => {
  const from = { schema: 'db', identifier: 'm' };
  const to = { schema: 'db', identifier: 'm__tsdbt_tmp_1__work' };
  it('renames the table however it is quoted, and nothing else', () => {
    expect(renamed('insert into `db`.`m` select * from `db`.`m__tsdbt_tmp_1__new`', from, to)).toBe('insert into `db`.`m__tsdbt_tmp_1__work` select * from `db`.`m__tsdbt_tmp_1__new`');
    expect(renamed('delete from db.m where id in (select id from "db"."m")', from, to)).toBe('delete from `db`.`m__tsdbt_tmp_1__work` where id in (select id from `db`.`m__tsdbt_tmp_1__work`)');
    expect(renamed('select * from db.m2, xdb.m, db.m_x, other.db.m', from, to)).toBe('select * from db.m2, xdb.m, db.m_x, other.db.m');
  });
  it('renames identifiers only: the name in a string literal or a comment stays as written', () => {
    const sql = "insert into db.m (id, note) -- copy of db.m\nselect id, 'from db.m' from /* db.m */ db.m__tsdbt_tmp_1__new where note != 'db.m'";
    expect(renamed(sql, from, to)).toBe(
      "insert into `db`.`m__tsdbt_tmp_1__work` (id, note) -- copy of db.m\nselect id, 'from db.m' from /* db.m */ db.m__tsdbt_tmp_1__new where note != 'db.m'",
    );
    expect(renamed("select 'it''s db.m', `db`.`m`.id from `db`.`m`", from, to)).toBe("select 'it''s db.m', `db`.`m__tsdbt_tmp_1__work`.id from `db`.`m__tsdbt_tmp_1__work`");
  });
  it('tells a bare mention of the table (then the statements run on the table itself) from qualified ones', () => {
    expect(namesBare('insert into `db`.`m` select * from db.m__tsdbt_tmp_1__new where id not in (select id from "db"."m")', from)).toBe(false);
    expect(namesBare('select * from db.m2, xdb.m, db.m_x, other.m', from)).toBe(false);
    for (const sql of ['insert into m select 1', 'insert into `m` select 1', 'delete from db.m where id in (select id from "m")', "select 'm'"]) expect(namesBare(sql, from)).toBe(true);
    // A literal naming it may be read as a table (merge(), remote()…): as written too; a comment never names it.
    for (const sql of ["insert into db.m select * from merge('db', '^m$')", "insert into db.m select * from remote('h', 'db.m')"]) expect(namesBare(sql, from)).toBe(true);
    expect(namesBare('insert into db.m -- m\nselect 1 /* m */', from)).toBe(false);
    // A text merely holding the name as a word is not a table argument: the statements run on the copy.
    for (const sql of ["insert into db.m select id, concat(msg, '#m') from db.x", "insert into db.m select 'see m here', 'm!', 'it''s m'"]) expect(namesBare(sql, from)).toBe(false);
    for (const sql of ["select * from merge(currentDatabase(), 'm|other')", "select * from remote('h', 'db', 'm')", "select * from remote('h', '`db`.`m`')"]) expect(namesBare(sql, from)).toBe(true);
  });
});
