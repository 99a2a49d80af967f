import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

const setup = openedPerTest();

describe('unit test overrides', () => {
  it('overrides macros (bare and package.name), vars and env_vars for the model under test', async () => {
    const { project: p } = setup({
      'macros/today.sql': "{% macro today() %}toDate('2000-01-01'){% endmacro %}",
      'models/src.sql': 'select toInt32(1) as id',
      'models/m.sql': `select id,
  {{ today() }} as day,
  {{ dbt.current_timestamp() }} as loaded_at,
  '{{ var("region", "eu") }}' as region,
  '{{ env_var("TSDBT_UT_MODE", "prod") }}' as mode
from {{ ref('src') }}`,
      'models/u.yml': `version: 2
unit_tests:
  - name: with_overrides
    model: m
    overrides:
      macros:
        today: "toDate('2024-06-01')"
        dbt.current_timestamp: "toDateTime('2024-06-01 12:00:00')"
      vars: {region: us}
      env_vars: {TSDBT_UT_MODE: test}
    given:
      - input: ref('src')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1, day: 2024-06-01, loaded_at: '2024-06-01 12:00:00', region: us, mode: test}]
  - name: without_overrides
    model: m
    given:
      - input: ref('src')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1, day: 2000-01-01, region: eu, mode: prod}]
`,
    });
    expectStatuses(await p.test(), { with_overrides: 'pass', without_overrides: 'pass' });
  });
});

describe('unit tests of incremental models', () => {
  const files = (tests: string) => ({
    'models/events.sql': "select toInt32(1) as id, toDateTime('2024-01-01 00:00:00') as ts",
    'models/inc.sql': `{{ config(materialized='incremental', unique_key='id') }}
select id, ts from {{ ref('events') }}
{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}`,
    'models/u.yml': `version: 2\nunit_tests:\n${tests}`,
  });
  const given = `    given:
      - input: ref('events')
        rows:
          - {id: 1, ts: '2024-01-01 00:00:00'}
          - {id: 2, ts: '2024-01-02 00:00:00'}
          - {id: 3, ts: '2024-01-03 00:00:00'}`;

  it('tests the full-refresh mode (is_incremental: false) and the incremental mode with `this` as an input', async () => {
    const { project: p } = setup(files(`  - name: full_refresh_mode
    model: inc
    overrides: {macros: {is_incremental: false}}
${given}
    expect:
      rows: [{id: 1}, {id: 2}, {id: 3}]
  - name: incremental_mode
    model: inc
    overrides: {macros: {is_incremental: true}}
${given}
      - input: this
        rows: [{id: 1, ts: '2024-01-01 00:00:00'}]
    expect:
      rows: [{id: 2}, {id: 3}]
`));
    expectStatuses(await p.test(), { full_refresh_mode: 'pass', incremental_mode: 'pass' });
  });

  it("requires dbt's boolean is_incremental override, and `this` in incremental mode", () => {
    expect(() => setup(files(`  - name: no_mode
    model: inc
${given}
    expect: {rows: []}
`))).toThrow("Boolean override for 'is_incremental' must be provided for unit test 'no_mode' in model 'inc'");
    expect(() => setup(files(`  - name: no_this
    model: inc
    overrides: {macros: {is_incremental: true}}
${given}
    expect: {rows: []}
`))).toThrow("Unit test 'no_this' for incremental model 'inc' must have a 'this' input");
  });
});
