import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of LewisDavies/upstream-prod (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('LewisDavies/upstream-prod constructs', () => {
  it("graph.nodes config holds alias/schema/database as None when not configured; Relation.replace(limit=…) is dbt's dataclass replace", async () => {
    const { p, project } = setup({
      'models/stg.sql': 'select 1 as id',
      'models/stg_aliased.sql': "{{ config(alias='stg_renamed') }}select 2 as id",
      // get_prod_relation: `config.alias if config.alias is not none else <file name>`; ref(): `rel.replace(limit=…)`.
      'models/names.sql': `{% set out = [] %}{% if execute %}{% for name in ['stg', 'stg_aliased'] %}
{% set c = graph.nodes['model.proj.' ~ name].config %}
{% do out.append((c.alias if c.alias is not none else name) ~ ':' ~ (c.schema is none) ~ ':' ~ (c.database is none)) %}
{% endfor %}{% endif %}
{% set rel = ref('stg').replace(limit=none) %}
select '{{ out | join(",") }}' as names, (select count(*) from {{ rel }}) as n`,
    });
    // Before: names 'Undefined'-ish (c.alias was a missing key: `is not none` true, rendered ''), and
    // "'rel.replace' calls a macro of package 'rel', which is not installed".
    expectStatuses(await project.run({}), { stg: 'success', stg_aliased: 'success', names: 'success' });
    expect(await queryRows(project, `select names, toInt32(n) as n from ${p.schema}.names`)).toEqual([
      { names: 'stg:True:True,stg_renamed:True:True', n: 1 },
    ]);
  });

  it("accepted_values whose values are Jinja text (`values: \"{{ var('prod_target') }}\"`) among a relation's column tests: dbt's answer, not the shared scan's", async () => {
    const { project } = setup({
      'project.yml': "name: proj\nprofile: proj\nvars:\n  prod_target: ['prod']\n",
      'models/m.sql': "select 'prod' as source_target, 'stg' as source_schema",
      'models/m.yml': `models:
  - name: m
    columns:
      - name: source_target
        data_tests:
          - accepted_values:
              arguments:
                values: "{{ var('prod_target') }}"
          - not_null
      - name: source_schema
        data_tests:
          - accepted_values:
              arguments:
                values: ['stg']
`,
    });
    // Before: the accepted_values on source_target failed with 1 (the batch read its values as no list: every non-null row offending).
    expectStatuses(await project.build({}), {
      m: 'success',
      accepted_values_m_source_target___var_prod_target_: 'pass',
      not_null_m_source_target: 'pass',
      accepted_values_m_source_schema__stg: 'pass',
    });
  });

  it("a versioned model's name selects every version; `name_v2` and `name.v2` the one (dbt's is_selected_node)", async () => {
    const { project } = setup({
      'models/stg__vers_v1.sql': 'select 1 as id',
      'models/stg__vers_v2.sql': 'select 2 as id',
      'models/other.sql': 'select 3 as id',
      'models/vers.yml': 'models:\n  - name: stg__vers\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\n',
    });
    const names = async (select: string[]) => project.select({ select, resourceTypes: ['model'] }).sort();
    // Before: `stg__vers` selected nothing (upstream-prod's `dbt run -s … stg__defer_vers …` built no version).
    expect(await names(['stg__vers'])).toEqual(['model.proj.stg__vers.v1', 'model.proj.stg__vers.v2']);
    expect(await names(['stg__vers_v2'])).toEqual(['model.proj.stg__vers.v2']);
    expect(await names(['stg__vers.v1'])).toEqual(['model.proj.stg__vers.v1']);
  });
});
