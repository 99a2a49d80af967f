import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/configs/test_get_default.py: config.get with a default, config.get of a
 * key that is only in meta (the default: meta is not looked into), dbt 1.10's config.meta_get /
 * config.meta_require, and config.require of a missing key failing that model when it runs.
 * ClickHouse's error for an unknown column names it: the assertions match the name.
 */
const SCHEMA = '\nmodels:\n - name: meta_model\n   config:\n     meta:\n       meta_key: my_meta_value\n';
const one = (r: { results: { status: string; message: string | null }[] }) => {
  expect(r.results).toHaveLength(1);
  expect(r.results[0]!.status).toBe('error');
  return r.results[0]!.message ?? '';
};

describe('config.get (configs/test_get_default.py)', () => {
  it('TestConfigGetDefault: a missing key gives the default', async () => {
    const p = dbtProject({ models: { 'any_model.sql': "\n-- models/any_model.sql\nselect {{ config.get('made_up_nonexistent_key', 'default_value') }} as col_value\n\n" } });
    expect(one(await p.dbt(['run'], { expectPass: false }))).toContain('default_value');
  });

  it('TestConfigGetMeta: config.get does not read meta; config.meta_get does', async () => {
    const p = dbtProject({ models: { 'meta_model.sql': "\n-- models/meta_model.sql\nselect {{ config.get('meta_key', 'meta_default_value') }} as col_value\n", 'schema.yml': SCHEMA } });
    expect(one(await p.dbt(['run'], { expectPass: false }))).toContain('meta_default_value');
    p.write({ 'models/meta_model.sql': "\n-- models/meta_model.sql\nselect {{ config.meta_get('meta_key', 'meta_default_value') }} as col_value\n" });
    expect(one(await p.dbt(['run'], { expectPass: false }))).toContain('my_meta_value');
  });

  it('TestConfigGetMetaRequire: config.require of a meta-only key fails the model; config.meta_require finds it', async () => {
    const p = dbtProject({ models: { 'meta_model.sql': "\n-- models/meta_model.sql\nselect {{ config.require('meta_key') }} as col_value\n", 'schema.yml': SCHEMA } });
    expect(one(await p.dbt(['run'], { expectPass: false }))).toContain("does not define a required config parameter 'meta_key'");
    p.write({ 'models/meta_model.sql': "\n-- models/meta_model.sql\nselect {{ config.meta_require('meta_key') }} as col_value\n" });
    expect(one(await p.dbt(['run'], { expectPass: false }))).toContain('my_meta_value');
  });
});
