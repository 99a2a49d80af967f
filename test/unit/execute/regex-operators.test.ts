import { describe, expect, it } from 'vitest';
import { withRegexOperators } from '../../../packages/core/src/execute/dbt-semantics/regex-operators.js';

describe("Postgres' regular-expression operators and SIMILAR TO (execute/dbt-semantics/regex-operators.ts)", () => {
  it('writes ~, ~*, !~ and !~* as match() with the operands Postgres binds', () => {
    expect(withRegexOperators("select * from t where email ~ '^[a-z]+@' and lower(u.name) ~* 'ann' or t.code !~ 'x' and not s !~* 'y'")).toBe(
      "select * from t where match(email, '^[a-z]+@') and match(lower(u.name), '(?i)ann') or (NOT match(t.code, 'x')) and not (NOT match(s, '(?i)y'))",
    );
    expect(withRegexOperators("select case when a || '-' || b ~ pat then 1 end, (x)::text ~ ('a' || y), c::varchar(10) ~* p from t")).toBe(
      "select case when match(a || '-' || b, pat) then 1 end, match((x)::text, ('a' || y)), match(c::varchar(10), concat('(?i)', p)) from t",
    );
  });

  it("keeps a pattern literal's backslashes (a Postgres string) and leaves strings, comments and other operands alone", () => {
    expect(withRegexOperators("select s ~ '\\d+\\.\\b', s ~ 'it''s' from t")).toBe("select match(s, '\\\\d+\\\\.\\\\b'), match(s, 'it\\'s') from t");
    for (const sql of ["select 'a ~ b', \"x~y\" from t -- s ~ 'p'", 'select bitNot(x), case when a then b end ~ c from t']) expect(withRegexOperators(sql)).toBe(sql);
  });

  it('writes SIMILAR TO as a whole-text match of the pattern read as a regular expression', () => {
    expect(withRegexOperators("select s similar to '%(b|d)%', s not similar to 'a_c.', s SIMILAR TO '[a.]%\\%' from t")).toBe(
      "select match(s, '^(?:.*(b|d).*)$'), (NOT match(s, '^(?:a.c\\\\.)$')), match(s, '^(?:[a.].*%)$') from t",
    );
    for (const sql of ["select s similar to p, s similar to '%#_%' escape '#' from t"]) expect(withRegexOperators(sql)).toBe(sql);
  });
});
