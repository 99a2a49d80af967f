import { describe, expect, it } from 'vitest';
import { blankNonCode, splitStatements, withoutCommits } from '../../../packages/core/src/shared/sql-statements.js';

describe('splitStatements', () => {
  it('splits at ; outside literals, quoted names, comments and heredocs', () => {
    expect(splitStatements('select 1; drop table t')).toEqual(['select 1', 'drop table t']);
    expect(splitStatements("select 'a;b', 'it''s;', 'x\\';y'")).toHaveLength(1);
    expect(splitStatements('select "a;b", `c;d` from t')).toHaveLength(1);
    expect(splitStatements('select 1 -- a; b\n, 2 # c; d\n, 3 /* e; f */')).toHaveLength(1);
    expect(splitStatements('select $$a;b$$, $tag$c;$$;d$tag$')).toHaveLength(1);
  });

  it('a trailing ; or comment, or nothing at all, adds no statement', () => {
    expect(splitStatements('select 1;')).toEqual(['select 1']);
    expect(splitStatements('select 1; -- done\n;  /* end */ ')).toEqual(['select 1']);
    expect(splitStatements('  -- only a comment\n')).toEqual([]);
  });
});

describe('blankNonCode', () => {
  it('blanks literals, quoted names, comments and heredocs, keeping every offset and newline', () => {
    const sql = "select 'a;b', `c`, \"d\" -- x\n# y\n/* z */ $$w$$ from t";
    const code = blankNonCode(sql);
    expect(code).toHaveLength(sql.length);
    expect(code.replace(/ +/g, ' ')).toBe('select , , \n \n from t');
  });
});

describe('withoutCommits', () => {
  it("drops a hook's bare COMMIT and Postgres' BEGIN (ClickHouse commits each statement and refuses both)", () => {
    expect(withoutCommits("insert into a values (1); commit;")).toBe('insert into a values (1)');
    expect(withoutCommits("begin;\ninsert into a values (1);\n-- done\nCOMMIT WORK;")).toBe('insert into a values (1)');
    expect(withoutCommits('Begin Work; delete from a where x = 1; commit transaction')).toBe('delete from a where x = 1');
    expect(withoutCommits('select 1')).toBe('select 1');
    expect(withoutCommits("insert into a select 'begin; commit;'")).toBe("insert into a select 'begin; commit;'");
  });

  it('keeps a ClickHouse transaction as written: its COMMIT is what keeps the writes', () => {
    const sql = 'BEGIN TRANSACTION; insert into a values (1); COMMIT;';
    expect(withoutCommits(sql)).toBe(sql);
    expect(withoutCommits('start transaction; insert into a values (1); commit')).toBe('start transaction; insert into a values (1); commit');
  });
});
