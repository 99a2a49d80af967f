import { describe, expect, it } from 'vitest';
import { forwardedTo, insertTarget } from '../../../packages/core/src/adapter/inserts.js';

/* The table an INSERT statement writes into, read from its text (system.processes), for drainInserts(…, into). */
describe('insertTarget', () => {
  it('reads [db.]table as written: bare, `quoted`, "quoted", after TABLE, after comments', () => {
    expect(insertTarget('INSERT INTO db.t VALUES (1)', 'x')).toEqual({ schema: 'db', identifier: 't' });
    expect(insertTarget('insert into t select 1', 'cur')).toEqual({ schema: 'cur', identifier: 't' });
    expect(insertTarget('/* {"app": "tsdbt"} */ INSERT INTO `my db`.`t.x` (a) SELECT 1', 'x')).toEqual({ schema: 'my db', identifier: 't.x' });
    expect(insertTarget('-- c\n  INSERT  INTO TABLE "d" . "t" FORMAT Values', 'x')).toEqual({ schema: 'd', identifier: 't' });
    expect(insertTarget('INSERT INTO `a\\`b`.t VALUES', 'x')).toEqual({ schema: 'a`b', identifier: 't' });
  });

  it('cannot tell (undefined: the INSERT may write anywhere) for INSERT INTO FUNCTION, an unqualified name without the database, other text', () => {
    expect(insertTarget("INSERT INTO FUNCTION remote('h', db.t) VALUES (1)", 'x')).toBeUndefined();
    expect(insertTarget('INSERT INTO t VALUES (1)', undefined)).toBeUndefined();
    expect(insertTarget('SELECT 1 /* insert into db.t */', 'x')).toBeUndefined();
  });

  it('cannot tell for INSERT INTO TABLE FUNCTION (not a table named TABLE) or a name it reads only partly (query parameters)', () => {
    expect(insertTarget("INSERT INTO TABLE FUNCTION remote('127.0.0.1', db.t) VALUES (1)", 'x')).toBeUndefined();
    expect(insertTarget("insert into table function cluster('c', db, t) select 1", 'x')).toBeUndefined();
    expect(insertTarget('INSERT INTO db.{t:Identifier} VALUES (1)', 'x')).toBeUndefined();
    expect(insertTarget('INSERT INTO TABLE db.{t:Identifier} VALUES (1)', 'x')).toBeUndefined();
    expect(insertTarget('INSERT INTO {db:Identifier}.t VALUES (1)', 'x')).toBeUndefined();
    expect(insertTarget('INSERT INTO TABLE t(a) VALUES (1)', 'x')).toEqual({ schema: 'x', identifier: 't' });
    expect(insertTarget('INSERT INTO db.t SETTINGS async_insert = 1 VALUES (1)', 'x')).toEqual({ schema: 'db', identifier: 't' });
    expect(insertTarget('INSERT INTO db.t', 'x')).toEqual({ schema: 'db', identifier: 't' });
  });
});

/* Where an INSERT into a table goes in turn (tablesFeeding: a Distributed's local table, a Buffer's destination). */
describe('forwardedTo', () => {
  it("reads a Distributed table's local table and a Buffer's destination from the CREATE statement", () => {
    const dist = "CREATE TABLE db.d (`x` UInt64) ENGINE = Distributed('c', 'db', 't', rand())";
    expect(forwardedTo('Distributed', dist)).toEqual({ schema: 'db', identifier: 't' });
    expect(forwardedTo('Distributed', 'CREATE TABLE db.d (`x` UInt64) ENGINE = Distributed(c, db, `t.x`)')).toEqual({ schema: 'db', identifier: 't.x' });
    expect(forwardedTo('Buffer', "CREATE TABLE db.b (`x` UInt64) ENGINE = Buffer('db', 't', 1, 10, 100, 10000, 1000000, 10000000, 100000000)")).toEqual({ schema: 'db', identifier: 't' });
    expect(forwardedTo('Buffer', "CREATE TABLE db.b (`x` UInt64) ENGINE = Buffer('', 't', 1, 10, 100, 10000, 1000000, 10000000, 100000000)")).toEqual({ schema: undefined, identifier: 't' });
  });

  it("says 'unknown' for arguments that are not plain names, nothing for engines that write no other table", () => {
    expect(forwardedTo('Distributed', "CREATE TABLE db.d (`x` UInt64) ENGINE = Distributed('c', currentDatabase(), 't')")).toBe('unknown');
    expect(forwardedTo('MergeTree', 'CREATE TABLE db.t (`x` UInt64) ENGINE = MergeTree ORDER BY x')).toBeUndefined();
  });
});
