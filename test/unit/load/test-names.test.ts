import { describe, expect, it } from 'vitest';
import { genericTestHash } from '../../../packages/core/src/load/test-names.js';

/*
 * The hash ending a generic test's unique id (dbt's create_test_node: md5 of the fqn name + repr of the
 * hashable test_metadata). Expected values were computed with the first implementation (which built
 * the sorted copy and then its repr): quoting, escapes, integer-like keys (JavaScript lists them first,
 * in numeric order), nested lists and mappings, and non-strings must keep every id unchanged.
 */
describe('genericTestHash', () => {
  it('gives the same ids for plain, quoted, escaped, nested and integer-keyed arguments', () => {
    const cases: [string, Parameters<typeof genericTestHash>[1], string][] = [
      ['unique_orders_id', { name: 'unique', kwargs: { column_name: 'id', model: "{{ get_where_subquery(ref('orders')) }}" } }, '1360ecc70e'],
      ['accepted_values_x', { name: 'accepted_values', kwargs: { column_name: 'kind', values: ['fizz', "it's", 'say "hi"', 'tab\there', 'ünï', '😀', null, true, 1.5, 10] } }, '60df52a2b3'],
      ['expr_y', { name: 'expression_is_true', namespace: 'dbt_utils', kwargs: { expression: "a\\b != 'c'", config: { where: 'x > 1', 10: 'ten', 9: 'nine', b: [1, { z: 1, a: 2 }], a: false } } }, '5f28081e77'],
      ['soft_z', { name: 'x', kwargs: { s: 'nb\u00a0sp\u00adhy\u007fdel\u0001', '0': 'zero', '01': 'oh-one' } }, '5c05678710'],
    ];
    for (const [name, metadata, hash] of cases) expect(genericTestHash(name, metadata)).toBe(hash);
  });

  it('hashes arguments the same in whatever order they were written', () => {
    const model = "{{ get_where_subquery(ref('orders')) }}";
    expect(genericTestHash('unique_orders_id', { name: 'unique', kwargs: { model, column_name: 'id' } })).toBe('1360ecc70e');
    const values = ['a', 'b'];
    const ids = [{ values, column_name: 'k', model, quote: false }, { column_name: 'k', model, quote: false, values }, { quote: false, model, values, column_name: 'k' }].map((kwargs) => genericTestHash('accepted_values_o_k', { name: 'accepted_values', kwargs }));
    expect(new Set(ids).size).toBe(1);
  });
});
