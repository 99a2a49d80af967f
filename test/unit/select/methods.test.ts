import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../packages/core/src/shared/errors.js';
import { thrown } from './errors-helper.js';
import { ALL_TESTS, pick } from './fake-manifest.js';

const models = (...select: string[]) => pick({ select, resourceTypes: ['model'] });
const only = (...select: string[]) => pick({ select, indirectSelection: 'empty' });

describe('fqn method (default)', () => {
  it('matches a node name', () => {
    expect(models('orders')).toEqual(['orders']);
    expect(models('fqn:orders')).toEqual(['orders']);
  });

  it('never matches sources by name, as dbt', () => {
    expect(pick({ select: ['orders'], resourceTypes: ['source'] })).toEqual([]);
  });

  it('matches every node under a folder', () => {
    expect(models('mart')).toEqual(['customer_stats', 'orders', 'revenue']);
    expect(only('mart')).toEqual([
      'customer_stats',
      'expression_is_true_revenue',
      'orders',
      'relationships_orders_customer_id',
      'revenue',
      'unique_orders_id',
    ]);
    expect(models('mart.finance')).toEqual(['revenue']);
    expect(models('clean')).toEqual(['stg_customers', 'stg_orders']);
  });

  it('matches with or without the project segment', () => {
    expect(models('shop.mart.orders')).toEqual(['orders']);
    expect(models('mart.orders')).toEqual(['orders']);
    expect(models('utils_pkg.calendar')).toEqual(['calendar']);
    expect(models('shop.calendar')).toEqual([]);
    expect(models('utils_pkg')).toEqual(['calendar']);
  });

  it('does not match a partial segment', () => {
    expect(models('mar')).toEqual([]);
    expect(models('mart.ord')).toEqual([]);
  });

  it('matches globs against the rest of the fqn', () => {
    expect(models('mart.*')).toEqual(['customer_stats', 'orders', 'revenue']);
    expect(models('*.finance.*')).toEqual(['revenue']);
    expect(models('mart.finance.[r]evenue')).toEqual(['revenue']);
    expect(models('clean.stg_?rders')).toEqual(['stg_orders']);
    expect(models('fqn:*')).toEqual(['calendar', 'customer_stats', 'orders', 'revenue', 'stg_customers', 'stg_orders']);
  });

  it('matches a glob against node names in any folder', () => {
    expect(models('stg_*')).toEqual(['stg_customers', 'stg_orders']);
    expect(models('*_stats')).toEqual(['customer_stats']);
  });
});

describe('tag method', () => {
  it('matches tags, with globs', () => {
    expect(models('tag:nightly')).toEqual(['stg_customers', 'stg_orders']);
    expect(models('tag:pii')).toEqual(['stg_customers']);
    expect(only('tag:fin*')).toEqual(['assert_revenue_positive', 'orders', 'revenue']);
    expect(models('tag:none')).toEqual([]);
  });
});

describe('path method', () => {
  it('selects a folder and everything below it', () => {
    expect(models('path:models/clean')).toEqual(['stg_customers', 'stg_orders']);
    expect(models('path:models/mart')).toEqual(['customer_stats', 'orders', 'revenue']);
    expect(only('seeds')).toEqual([]); // no slash: fqn, not path
    expect(only('path:seeds')).toEqual(['country_codes']);
    expect(only('tests/')).toEqual(['assert_revenue_positive', 'assert_stats_match_orders']);
  });

  it('is the default method when the value contains a slash', () => {
    expect(models('models/mart/finance')).toEqual(['revenue']);
    expect(models('models/mart/finance/revenue.sql')).toEqual(['revenue']);
  });

  it('normalises ./, trailing slashes and absolute paths under the project root', () => {
    expect(models('./models/clean/')).toEqual(['stg_customers', 'stg_orders']);
    expect(models('/proj/models/clean')).toEqual(['stg_customers', 'stg_orders']);
  });

  it('needs whole path segments', () => {
    expect(models('path:models/mar')).toEqual([]);
  });

  it('supports globs per segment and **', () => {
    expect(models('path:models/*/stg_*.sql')).toEqual(['stg_customers', 'stg_orders']);
    expect(models('path:models/**/revenue.sql')).toEqual(['revenue']);
    expect(models('path:models/m*')).toEqual(['customer_stats', 'orders', 'revenue']);
  });

  it('selects nodes by their YAML file: sources, tests, and models through their patch file', () => {
    expect(only('path:models/sources.yml')).toEqual(['raw.customers', 'raw.orders', 'source_not_null_raw_orders_id']);
    expect(only('path:models/clean/schema.yml')).toEqual(['not_null_stg_orders_id', 'stg_orders']);
  });
});

describe('file method', () => {
  it('matches the file name with or without extension', () => {
    expect(models('file:stg_orders.sql')).toEqual(['stg_orders']);
    expect(models('file:stg_orders')).toEqual(['stg_orders']);
    expect(models('file:stg_*')).toEqual(['stg_customers', 'stg_orders']);
  });

  it('is the default method for .sql and .csv values', () => {
    expect(models('revenue.sql')).toEqual(['revenue']);
    expect(only('country_codes.csv')).toEqual(['country_codes']);
  });

  it('matches YAML files of tests and sources', () => {
    expect(only('file:sources.yml')).toEqual(['raw.customers', 'raw.orders', 'source_not_null_raw_orders_id']);
  });
});

describe('source method', () => {
  it('matches a source, a table, a package-qualified table, with globs', () => {
    expect(only('source:raw')).toEqual(['raw.customers', 'raw.orders']);
    expect(only('source:raw.orders')).toEqual(['raw.orders']);
    expect(only('source:raw.cust*')).toEqual(['raw.customers']);
    expect(only('source:shop.raw.orders')).toEqual(['raw.orders']);
    expect(only('source:other.raw.orders')).toEqual([]);
    expect(only('source:*')).toEqual(['raw.customers', 'raw.orders']);
  });

  it('adds the tests of the source', () => {
    expect(pick({ select: ['source:raw.orders'] })).toEqual(['raw.orders', 'source_not_null_raw_orders_id']);
  });

  it('rejects more than three parts', () => {
    const error = thrown(() => only('source:a.b.c.d'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('selector-invalid-value');
  });
});

describe('resource_type method', () => {
  it('matches each resource type', () => {
    expect(only('resource_type:seed')).toEqual(['country_codes']);
    expect(only('resource_type:source')).toEqual(['raw.customers', 'raw.orders']);
    expect(only('resource_type:test')).toEqual(ALL_TESTS);
    expect(models('resource_type:model')).toEqual(['calendar', 'customer_stats', 'orders', 'revenue', 'stg_customers', 'stg_orders']);
  });

  it('accepts dbt types tsdbt has no nodes of', () => {
    expect(only('resource_type:analysis')).toEqual([]);
  });

  it('rejects an unknown type', () => {
    const error = thrown(() => only('resource_type:table'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.hint).toContain('model, seed, source, test');
  });
});

describe('config method', () => {
  it('matches strings', () => {
    expect(models('config.materialized:table')).toEqual(['orders', 'revenue']);
    expect(models('config.materialized:incremental')).toEqual(['customer_stats']);
  });

  it('matches booleans case-insensitively', () => {
    expect(models('config.inserts_only:true')).toEqual(['customer_stats']);
    expect(models('config.inserts_only:True')).toEqual(['customer_stats']);
    expect(models('config.enabled:false')).toEqual([]);
  });

  it('matches list members', () => {
    expect(models('config.order_by:created_at')).toEqual(['orders']);
    expect(models('config.tags:pii')).toEqual(['stg_customers']);
  });

  it('matches dict keys and nested keys', () => {
    expect(models('config.meta:owner')).toEqual(['orders']);
    expect(models('config.meta.owner:ann')).toEqual(['orders']);
    expect(models('config.query_settings.max_threads:4')).toEqual(['revenue']);
    expect(models('config.meta.owner.x:ann')).toEqual([]);
  });

  it('compares test severity case-insensitively', () => {
    expect(only('config.severity:WARN')).toEqual(['unique_orders_id']);
  });

  it('needs a key', () => {
    const error = thrown(() => models('config:table'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('selector-invalid');
  });
});

describe('test_type method', () => {
  it('selects generic, singular, or both as data', () => {
    expect(only('test_type:generic')).toEqual([
      'expression_is_true_revenue',
      'not_null_stg_orders_id',
      'relationships_orders_customer_id',
      'source_not_null_raw_orders_id',
      'unique_orders_id',
    ]);
    expect(only('test_type:singular')).toEqual(['assert_revenue_positive', 'assert_stats_match_orders']);
    expect(only('test_type:data')).toEqual(ALL_TESTS);
    expect(only('test_type:unit')).toEqual([]);
  });

  it('rejects an unknown type', () => {
    expect(thrown(() => only('test_type:bogus')).code).toBe('selector-invalid-value');
  });
});

describe('test_name method', () => {
  it('matches the generic test name, with globs and namespace', () => {
    expect(only('test_name:not_null')).toEqual(['not_null_stg_orders_id', 'source_not_null_raw_orders_id']);
    expect(only('test_name:rel*')).toEqual(['relationships_orders_customer_id']);
    expect(only('test_name:expression_is_true')).toEqual(['expression_is_true_revenue']);
    expect(only('test_name:dbt_utils.expression_is_true')).toEqual(['expression_is_true_revenue']);
    expect(only('test_name:assert_revenue_positive')).toEqual([]);
  });
});

describe('package method', () => {
  it('matches the package name, with globs and "this"', () => {
    expect(only('package:utils_pkg')).toEqual(['calendar']);
    expect(only('package:utils*')).toEqual(['calendar']);
    expect(only('package:this')).not.toContain('calendar');
    expect(only('package:this')).toContain('orders');
  });
});
