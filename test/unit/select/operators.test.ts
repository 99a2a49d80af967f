import { describe, expect, it } from 'vitest';
import { ALL_MODELS, ALL_TESTS, pick } from './fake-manifest.js';

const built = (...select: string[]) => pick({ select, resourceTypes: ['model', 'seed', 'source'] });
const models = (...select: string[]) => pick({ select, resourceTypes: ['model'] });

describe('graph operators', () => {
  it('+x selects all ancestors', () => {
    expect(built('+orders')).toEqual(['country_codes', 'orders', 'raw.customers', 'raw.orders', 'stg_customers', 'stg_orders']);
  });

  it('N+x limits the ancestor depth', () => {
    expect(built('1+orders')).toEqual(['country_codes', 'orders', 'stg_customers', 'stg_orders']);
    expect(built('2+customer_stats')).toEqual(['country_codes', 'customer_stats', 'orders', 'stg_customers', 'stg_orders']);
    expect(built('0+orders')).toEqual(['orders']);
  });

  it('x+ selects all descendants, x+N up to a depth', () => {
    expect(models('stg_orders+')).toEqual(['customer_stats', 'orders', 'revenue', 'stg_orders']);
    expect(models('stg_orders+1')).toEqual(['orders', 'stg_orders']);
    expect(pick({ select: ['revenue+'] })).toEqual(['assert_revenue_positive', 'expression_is_true_revenue', 'revenue']);
  });

  it('+x+ selects both sides', () => {
    expect(built('+customer_stats+')).toEqual([
      'country_codes',
      'customer_stats',
      'orders',
      'raw.customers',
      'raw.orders',
      'stg_customers',
      'stg_orders',
    ]);
    expect(built('1+orders+1')).toEqual(['country_codes', 'customer_stats', 'orders', 'revenue', 'stg_customers', 'stg_orders']);
  });

  it('@x adds the ancestors of the descendants (calendar, unlike +x+)', () => {
    expect(built('@orders')).toContain('calendar');
    expect(built('+orders+')).not.toContain('calendar');
    expect(built('@stg_orders')).toEqual([
      'calendar',
      'country_codes',
      'customer_stats',
      'orders',
      'raw.customers',
      'raw.orders',
      'revenue',
      'stg_customers',
      'stg_orders',
    ]);
  });

  it('applies to any method, and to folders', () => {
    expect(models('tag:pii+')).toEqual(['customer_stats', 'orders', 'revenue', 'stg_customers']);
    expect(models('mart.finance+')).toEqual(['revenue']);
    expect(models('+mart.finance')).toEqual(['calendar', 'orders', 'revenue', 'stg_customers', 'stg_orders']);
    expect(built('source:raw.customers+1')).toEqual(['raw.customers', 'stg_customers']);
  });
});

describe('set operations', () => {
  it('space and separate arguments make a union', () => {
    expect(models('stg_orders stg_customers')).toEqual(['stg_customers', 'stg_orders']);
    expect(models('stg_orders', 'stg_customers')).toEqual(['stg_customers', 'stg_orders']);
  });

  it('a comma makes an intersection', () => {
    expect(models('tag:nightly,tag:pii')).toEqual(['stg_customers']);
    expect(models('mart,config.materialized:table')).toEqual(['orders', 'revenue']);
    expect(models('+orders,tag:nightly')).toEqual(['stg_customers', 'stg_orders']);
    expect(models('tag:nightly,tag:finance')).toEqual([]);
  });

  it('intersects a model with test methods to pick its tests (dbt idiom)', () => {
    expect(pick({ select: ['orders,test_type:generic'] })).toEqual(['relationships_orders_customer_id', 'unique_orders_id']);
    expect(pick({ select: ['orders,test_name:unique'] })).toEqual(['unique_orders_id']);
  });

  it('--exclude is a set difference applied last', () => {
    expect(models('mart').length).toBe(3);
    expect(pick({ select: ['mart'], exclude: ['revenue'], resourceTypes: ['model'] })).toEqual(['customer_stats', 'orders']);
    expect(pick({ select: ['+orders'], exclude: ['tag:nightly+'], resourceTypes: ['model', 'seed'] })).toEqual(['country_codes']);
  });

  it('excluding a node excludes its tests', () => {
    expect(pick({ select: ['mart'], exclude: ['revenue'] })).toEqual([
      'assert_stats_match_orders',
      'customer_stats',
      'orders',
      'relationships_orders_customer_id',
      'unique_orders_id',
    ]);
    expect(pick({ select: ['orders'], exclude: ['stg_customers'] })).toEqual(['assert_stats_match_orders', 'orders', 'unique_orders_id']);
  });

  it('can exclude a single test', () => {
    expect(pick({ select: ['orders'], exclude: ['unique_orders_id'] })).toEqual([
      'assert_stats_match_orders',
      'orders',
      'relationships_orders_customer_id',
    ]);
  });

  it('with only --exclude, starts from everything', () => {
    expect(pick({ exclude: ['mart'], resourceTypes: ['model'] })).toEqual(['calendar', 'stg_customers', 'stg_orders']);
  });
});

describe('defaults and resource types', () => {
  it('selects every node when nothing is selected', () => {
    expect(pick({})).toEqual(
      [...ALL_MODELS, ...ALL_TESTS, 'country_codes', 'raw.customers', 'raw.orders'].sort(),
    );
    expect(pick({ select: [] })).toHaveLength(16);
  });

  it('filters to the command resource types last', () => {
    expect(pick({ resourceTypes: ['seed', 'source'] })).toEqual(['country_codes', 'raw.customers', 'raw.orders']);
    expect(pick({ select: ['orders'], resourceTypes: ['test'] })).toEqual([
      'assert_stats_match_orders',
      'relationships_orders_customer_id',
      'unique_orders_id',
    ]);
  });

  it('returns an empty set, not an error, when nothing matches, and warns per argument', () => {
    const warnings: string[] = [];
    expect(pick({ select: ['nothing_here orders'], exclude: ['nope'], onWarning: (m) => warnings.push(m) })).toContain('orders');
    expect(warnings).toEqual([
      "The selection criterion 'nothing_here' does not match any enabled nodes.",
      "The selection criterion 'nope' does not match any enabled nodes.",
    ]);
    expect(pick({ select: ['tag:none'] })).toEqual([]);
  });
});
