import { describe, expect, it } from 'vitest';
import { utf8TextFunctions } from '../../../packages/core/src/execute/dbt-semantics/utf8-text.js';

describe('utf8-text: text functions count characters, as on the warehouses dbt projects are written for', () => {
  it("substring from a literal 0 counts the positions before 1, as Postgres ('hello', 0, 3 -> 'he'); a negative start stays ClickHouse's (from the end)", () => {
    expect(utf8TextFunctions("select substring('hello', 0, 3), substr('hello', 0), substring('hello' from 0 for 1), substring('hello', 0, n), substring('hello', -3, 2)")).toBe(
      "select substringUTF8('hello', 1, 2), substringUTF8('hello', 1), substringUTF8('hello', 1, 0), substringUTF8('hello', 1, greatest((n) - 1, 0)), substringUTF8('hello', -3, 2)",
    );
  });

  it('writes lower/upper/initcap/substring/left/right/lpad/rpad/position as their UTF-8 forms over toString()', () => {
    expect(utf8TextFunctions("select lower(name), UPPER(t.city), initcap('élan'), substr(s, 2), substring(s, 1, 3), left(code, 2), right(code, 1), lpad(s, 5, '*'), rpad(s, 5), position(s, 'b') from t")).toBe(
      "select lowerUTF8(toString(name)), upperUTF8(toString(t.city)), initcapUTF8('élan'), if(isValidUTF8(toString(s)), substringUTF8(toString(s), 2), `substring`(toString(s), 2)), if(isValidUTF8(toString(s)), substringUTF8(toString(s), 1, 3), `substring`(toString(s), 1, 3)), if(isValidUTF8(toString(code)), leftUTF8(toString(code), 2), `left`(toString(code), 2)), if(isValidUTF8(toString(code)), rightUTF8(toString(code), 1), `right`(toString(code), 1)), if(isValidUTF8(toString(s)), leftPadUTF8(toString(s), 5, '*'), `leftPad`(toString(s), 5, '*')), if(isValidUTF8(toString(s)), rightPadUTF8(toString(s), 5), `rightPad`(toString(s), 5)), positionUTF8(toString(s), 'b') from t",
    );
  });

  it("reads the SQL standard's keyword forms and nested calls", () => {
    expect(utf8TextFunctions("select substring(name from 2 for 3), substring(name from 2), substring(name for 2), position('ë' in lower(name)) from t")).toBe(
      "select if(isValidUTF8(toString(name)), substringUTF8(toString(name), 2, 3), `substring`(toString(name), 2, 3)), if(isValidUTF8(toString(name)), substringUTF8(toString(name), 2), `substring`(toString(name), 2)), if(isValidUTF8(toString(name)), substringUTF8(toString(name), 1, 2), `substring`(toString(name), 1, 2)), positionUTF8(toString(lowerUTF8(toString(name))), 'ë') from t",
    );
  });

  it("leaves joins, qualified and quoted names, strings, comments, Postgres' regex substring and lower(hex(…)) alone", () => {
    const sql = "select a.left(x), `lower`(x), 'lower(x)', lowerUTF8(x), substring(s from '[0-9]+'), lower(hex(MD5(x))) -- upper(x)\nfrom a left join b on a.id = b.id right join c using (id)";
    expect(utf8TextFunctions(sql)).toBe(sql);
  });

  it("leaves the bytes of ClickHouse's binary digests and decoders alone (a dbt-clickhouse project's substring(MD5(x), 1, 8) is 8 bytes, not 11)", () => {
    const sql = "select reinterpretAsUInt64(substring(MD5(x), 1, 8)), hex(left(SHA256(x), 4)), substr(unhex(h), 2), right(sipHash128(x), 8), position(base64Decode(b), 'x') from t";
    expect(utf8TextFunctions(sql)).toBe(sql);
    // md5 (dbt's lower-case hex text once function-names.ts has written it) and other text are still characters.
    expect(utf8TextFunctions('select substring(md5(x), 1, 8), left(name, 2) from t')).toBe("select substring(md5(x), 1, 8), if(isValidUTF8(toString(name)), leftUTF8(toString(name), 2), `left`(toString(name), 2)) from t");
  });

  it('cuts a value that is not valid UTF-8 by its bytes: a literal, the SQL file\'s own text, keeps the UTF-8 form', () => {
    expect(utf8TextFunctions("select left(latin1, 2), substr('Zoë', 3), left(left(s, 3), 1) from t")).toBe(
      "select " +
        "if(isValidUTF8(toString(latin1)), leftUTF8(toString(latin1), 2), `left`(toString(latin1), 2)), substringUTF8('Zoë', 3), " +
        "if(isValidUTF8(toString(if(isValidUTF8(toString(s)), leftUTF8(toString(s), 3), `left`(toString(s), 3)))), leftUTF8(toString(if(isValidUTF8(toString(s)), leftUTF8(toString(s), 3), `left`(toString(s), 3))), 1), `left`(toString(if(isValidUTF8(toString(s)), leftUTF8(toString(s), 3), `left`(toString(s), 3))), 1)) from t",
    );
  });
});
