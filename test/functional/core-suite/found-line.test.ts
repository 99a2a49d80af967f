import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's print_compile_stats (compilation.py _generate_stats): the Found line counts the whole
 * manifest — every model, test, seed, hook (operation), source, exposure, macro… — in the order
 * dbt's parse meets the types, whatever the command selects.
 */
describe("the run's Found line (dbt's FoundStats)", () => {
  it('counts the whole manifest in dbt order, not the selection; the constraint warnings only when the model builds', async () => {
    const p = dbtProject({
      models: {
        'a.sql': 'select 1 as id',
        'b.sql': "{{ config(materialized='table', contract={'enforced': true}) }} select toInt32(2) as id",
        'schema.yml': [
          'version: 2',
          'sources:',
          '  - name: raw',
          '    tables: [{name: t}]',
          'models:',
          '  - name: a',
          '    columns:',
          '      - name: id',
          '        data_tests: [not_null, unique]',
          '  - name: b',
          '    columns:',
          '      - name: id',
          '        data_type: Int32',
          '        constraints: [{type: primary_key}]',
          'exposures:',
          '  - name: dash',
          '    type: dashboard',
          '    owner: {email: a@b.c}',
          '    depends_on: ["ref(\'a\')"]',
          '',
        ].join('\n'),
      },
      seeds: { 's.csv': 'x\n1\n' },
      tests: { 'check_a.sql': "select * from {{ ref('a') }} where id < 0" },
      projectConfig: 'on-run-start: ["select 1"]\n',
    });
    const { out } = await p.dbt(['run', '-s', 'a']);
    const macros = Object.keys(p.readJson('target/manifest.json').macros).length;
    const found = out.find((l) => /\bFound \d/.test(l))!.replace(/^.*?Found/, 'Found');
    expect(found).toBe(`Found 2 models, 3 data tests, 1 seed, 1 operation, 1 source, 1 exposure, ${macros} macros`);
    // b's primary_key is not enforced by ClickHouse: dbt's adapter says so when b's table is built, not on `run -s a` nor `ls`.
    const pkWarning = /primary_key is not enforced by clickhouse/;
    expect(out.some((l) => pkWarning.test(l))).toBe(false);
    expect((await p.dbt(['ls'])).out.some((l) => pkWarning.test(l))).toBe(false);
    expect((await p.dbt(['run', '-s', 'b'])).out.filter((l) => pkWarning.test(l))).toHaveLength(1);
  });
});
