import { describe, expect, it } from 'vitest';
import { withLeadingZeroNumbers } from '../../../packages/core/src/execute/dbt-semantics/leading-dot-numbers.js';

describe('numbers written without their leading zero (execute/dbt-semantics/leading-dot-numbers.ts)', () => {
  it('gives `.059` its 0 after a keyword an expression follows', () => {
    expect(withLeadingZeroNumbers('select .5 as a, case when x in (2024) then .059 else .1 end as b from t where y between .1 and /* c */ .9 OR z = 1')).toBe(
      'select 0.5 as a, case when x in (2024) then 0.059 else 0.1 end as b from t where y between 0.1 and /* c */ 0.9 OR z = 1',
    );
    expect(withLeadingZeroNumbers('SELECT DISTINCT .5e2, 1 - .5, [.5], f(.5) limit 2')).toBe('SELECT DISTINCT 0.5e2, 1 - .5, [.5], f(.5) limit 2');
  });

  it('leaves names, qualifiers, literals, quoted names and comments as written', () => {
    for (const sql of ["select tup .1, t.then .2, 'then .5', `when` .3 from t -- else .4", 'select x from t where t.a = 1', 'select then_x .5 from t'])
      expect(withLeadingZeroNumbers(sql)).toBe(sql);
  });
});
