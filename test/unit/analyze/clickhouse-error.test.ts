import { describe, expect, it } from 'vitest';
import { hintFor, parseClickHouseError } from '../../../packages/core/src/analyze/clickhouse-error.js';
import { findIdentifier, findText } from '../../../packages/core/src/analyze/sql-text.js';

describe('ClickHouse errors', () => {
  it('keeps the message, drops the echoed scope, and takes the suggestions and blamed names', () => {
    const e = parseClickHouseError("Code: 47. DB::Exception: Unknown expression identifier `user_idd` in scope SELECT order_id, user_idd FROM raw.orders. Maybe you meant: ['user_id']. (UNKNOWN_IDENTIFIER)", 47);
    expect(e).toMatchObject({ name: 'UNKNOWN_IDENTIFIER', message: 'Unknown expression identifier `user_idd`', suggestions: ['user_id'], names: ['user_idd'] });
    const t = parseClickHouseError("Code: 60. DB::Exception: Unknown table expression identifier 'raw.orderz' in scope SELECT * FROM raw.orderz. Maybe you meant raw.orders?. (UNKNOWN_TABLE)");
    expect(t).toMatchObject({ name: 'UNKNOWN_TABLE', suggestions: ['raw.orders'], names: ['raw.orderz', 'orderz'] });
  });

  it('takes a syntax error position as a 0-based offset', () => {
    expect(parseClickHouseError('Code: 62. DB::Exception: Syntax error: failed at position 50 ()) (line 2, col 23): ). Expected one of: … (SYNTAX_ERROR)').position).toBe(49);
  });

  it('blames JOIN keys and operators of type clashes', () => {
    const j = parseClickHouseError("Code: 386. DB::Exception: There is no supertype for types String, UInt32 because …: JOIN cannot infer common type in ON section for keys. Left key '__table1.user_id' type UInt32. Right key '__table2.name' type String. (NO_COMMON_TYPE)");
    expect(j.names.slice(0, 2)).toEqual(['user_id', 'name']);
    expect(j.inJoinOn).toBe(true);
    const f = parseClickHouseError('Code: 386. DB::Exception: There is no supertype for types String, UInt8 because …: while executing function equals on arguments __table1.eval_set String String(size = 0), 1_UInt8 UInt8. (NO_COMMON_TYPE)');
    expect(f.names[0]).toBe('eval_set');
    expect(f.texts).toContain('=');
  });
});

describe('hints for functions warehouses disagree on', () => {
  it("names ClickHouse's call for each answer (regexp_like anchored or not, dayname short or long), nothing for other unknown functions", () => {
    const like = hintFor(parseClickHouseError('Code: 46. DB::Exception: Function with name `REGEXP_LIKE` does not exist. In scope SELECT REGEXP_LIKE(s, \'^a\') FROM t. (UNKNOWN_FUNCTION)', 46));
    expect(like).toContain("match(s, '^(?:pattern)$')");
    expect(like).toContain("match(s, 'pattern')");
    const day = hintFor(parseClickHouseError("Code: 46. DB::Exception: Function with name `dayname` does not exist. In scope SELECT dayname(d) FROM t. Maybe you meant: ['dateName','basename']. (UNKNOWN_FUNCTION)", 46));
    expect(day).toContain("dateName('weekday', d)");
    expect(hintFor(parseClickHouseError('Code: 46. DB::Exception: Function with name `frobnicate` does not exist. In scope SELECT frobnicate(1). (UNKNOWN_FUNCTION)', 46))).toBeUndefined();
  });
});

describe('finding names in SQL', () => {
  it('finds whole identifiers in code only, quoted or not, qualified or not', () => {
    const sql = "select `a`.b, 'b' as x, -- b\n c.bb, d.b from t /* b */ where \"b\" = 1";
    expect(findIdentifier(sql, 'b').map((i) => sql.slice(i, i + 3))).toEqual(['b, ', 'b f', '"b"']);
    expect(findIdentifier(sql, 'a.b')).toEqual([7]);
    expect(findText('x union all y', 'union all')).toEqual([2]);
    expect(findText("select count (x) from t where 'count(' ", 'count(')).toEqual([7]);
  });
});
