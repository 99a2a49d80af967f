import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of Datavault-UK/automate-dv (its hub/link/sat/eff_sat/pit/bridge macros on a small vault, run
 * unmodified: docs/public-projects.md) that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('Datavault-UK/automate-dv constructs', () => {
  it('runs an incremental model whose SQL has a plain UNION again (eff_sat: new_open UNION new_reopened UNION new_closed)', async () => {
    // The second run reads the new rows' columns with DESCRIBE (…); ClickHouse refused the plain UNION there
    // (EXPECTED_ALL_OR_DISTINCT): union_default_mode was only in the SETTINGS of the last SELECT.
    const { p: ip, project: p } = setup({
      'seeds/src.csv': 'k,v\n1,a\n2,b\n',
      'models/appended.sql': `{{ config(materialized='incremental') }}
select k, v from {{ ref('src') }}
{% if is_incremental() %} where k not in (select k from {{ this }}) {% endif %}
union
select k, v from {{ ref('src') }} where k = 1 {% if is_incremental() %} and k = 0 {% endif %}`,
      'models/keyed.sql': `{{ config(materialized='incremental', unique_key='k') }}
select k, v from {{ ref('src') }} union select 3 as k, 'c' as v`,
    });
    expectStatuses(await p.build(), { src: 'success', appended: 'success', keyed: 'success' });
    ip.write({ 'seeds/src.csv': 'k,v\n1,a\n2,b\n4,d\n' });
    const again = ip.open();
    try {
      expectStatuses(await again.build(), { src: 'success', appended: 'success', keyed: 'success' });
      const rows = (model: string) => queryRows(again, `select toInt32(k) as k, v from ${ip.schema}.${model} order by k`);
      expect(await rows('appended')).toEqual([
        { k: 1, v: 'a' },
        { k: 2, v: 'b' },
        { k: 4, v: 'd' },
      ]);
      expect(await rows('keyed')).toEqual([
        { k: 1, v: 'a' },
        { k: 2, v: 'b' },
        { k: 3, v: 'c' },
        { k: 4, v: 'd' },
      ]);
    } finally {
      await again.close();
    }
  });
  it("a template's statement holding several statements runs none of them on chDB, as a server refuses it (pit_incremental: truncate; insert)", async () => {
    // automate-dv's pit_incremental runs `TRUNCATE TABLE t; INSERT INTO t … FROM <temporary table>` as one
    // statement('main'); dbt-clickhouse's temporary table is not where the insert reads (as here), and ClickHouse
    // refuses the pair whole. chDB ran the TRUNCATE, then failed the INSERT: the model's rows were gone.
    const { p: ip, project: p } = setup({
      'macros/replace_all.sql': `{% materialization replace_all, default %}
  {%- set existing = load_relation(this) -%}
  {%- if existing is none -%}
    {%- call statement('main') -%}create table {{ this }} engine = MergeTree order by tuple() as {{ sql }}{%- endcall -%}
  {%- else -%}
    {%- call statement('main') -%}
      truncate table {{ this }};
      insert into {{ this }} select * from {{ this.schema }}.{{ this.identifier }}__missing_tmp;
    {%- endcall -%}
  {%- endif -%}
  {{ return({'relations': [this]}) }}
{% endmaterialization %}`,
      'models/pit.sql': "{{ config(materialized='replace_all') }}\nselect number as k from numbers(3)",
    });
    expectStatuses(await p.run(), { pit: 'success' });
    const again = await p.run();
    expect(again.results[0]?.status).toBe('error');
    expect(again.results[0]?.message).toContain('Multi-statements are not allowed');
    expect(await queryRows(p, `select count() as n from ${ip.schema}.pit`)).toEqual([{ n: '3' }]);
  });
});
