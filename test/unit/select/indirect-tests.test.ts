import { describe, expect, it } from 'vitest';
import { selectNodes } from '../../../packages/core/src/select/select-nodes.js';
import { UsageError } from '../../../packages/core/src/shared/errors.js';
import { pick, shop } from './fake-manifest.js';

describe('indirect selection of tests', () => {
  it('eager (default): tests with any selected parent', () => {
    expect(pick({ select: ['orders'] })).toEqual([
      'assert_stats_match_orders',
      'orders',
      'relationships_orders_customer_id',
      'unique_orders_id',
    ]);
    expect(pick({ select: ['orders'], indirectSelection: 'eager' })).toEqual(pick({ select: ['orders'] }));
  });

  it('cautious: tests whose parents are all selected', () => {
    expect(pick({ select: ['orders'], indirectSelection: 'cautious' })).toEqual(['orders', 'unique_orders_id']);
  });

  it('cautious: parents selected by different arguments of a union count', () => {
    expect(pick({ select: ['orders customer_stats'], indirectSelection: 'cautious' })).toEqual([
      'assert_stats_match_orders',
      'customer_stats',
      'orders',
      'unique_orders_id',
    ]);
    expect(pick({ select: ['orders', 'stg_customers'], indirectSelection: 'cautious' })).toContain('relationships_orders_customer_id');
  });

  it('cautious: excluding a parent drops its held-back tests', () => {
    expect(pick({ select: ['orders stg_customers'], exclude: ['stg_customers'], indirectSelection: 'cautious' })).toEqual([
      'orders',
      'unique_orders_id',
    ]);
  });

  it('buildable: tests whose parents are selected or ancestors of the selection', () => {
    expect(pick({ select: ['orders'], indirectSelection: 'buildable' })).toEqual([
      'orders',
      'relationships_orders_customer_id',
      'unique_orders_id',
    ]);
    expect(pick({ select: ['customer_stats'], indirectSelection: 'buildable' })).toEqual([
      'assert_stats_match_orders',
      'customer_stats',
    ]);
    expect(pick({ select: ['customer_stats'], indirectSelection: 'cautious' })).toEqual(['customer_stats']);
  });

  it('empty: no tests are added', () => {
    expect(pick({ select: ['orders'], indirectSelection: 'empty' })).toEqual(['orders']);
    expect(pick({ select: ['+revenue'], indirectSelection: 'empty', resourceTypes: ['test'] })).toEqual([]);
  });

  it('a test selected directly stays selected in every mode', () => {
    for (const mode of ['eager', 'cautious', 'buildable', 'empty'] as const) {
      expect(pick({ select: ['relationships_orders_customer_id'], indirectSelection: mode })).toEqual([
        'relationships_orders_customer_id',
      ]);
      expect(pick({ select: ['test_type:singular'], indirectSelection: mode })).toEqual([
        'assert_revenue_positive',
        'assert_stats_match_orders',
      ]);
    }
  });

  it('tests of graph-operator nodes are added too', () => {
    expect(pick({ select: ['+stg_orders'] })).toEqual([
      'not_null_stg_orders_id',
      'raw.orders',
      'source_not_null_raw_orders_id',
      'stg_orders',
    ]);
  });

  it('--exclude always excludes eagerly: the tests touching an excluded model go too, whatever the mode', () => {
    for (const mode of ['cautious', 'buildable', 'empty'] as const) {
      const picked = pick({ select: ['orders+', 'unique_orders_id', 'relationships_orders_customer_id'], exclude: ['orders'], indirectSelection: mode });
      expect(picked, mode).not.toContain('unique_orders_id');
      expect(picked, mode).not.toContain('relationships_orders_customer_id');
    }
  });

  it('rejects an unknown mode', () => {
    const { manifest, graph } = shop();
    expect(() => selectNodes(manifest, graph, { indirectSelection: 'greedy' as never })).toThrow(UsageError);
  });
});
