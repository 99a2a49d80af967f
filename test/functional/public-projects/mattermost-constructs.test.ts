import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of mattermost/mattermost-data-warehouse (transform/mattermost-analytics, parsed
 * unmodified: docs/public-projects.md) that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('mattermost-analytics constructs', () => {
  it("a dict keyed by Relations gives its keys back as Relations (keys(), items(), for k in d), as Python's dict", async () => {
    // int_daily_usage_per_user_full: `{ref('x'): 'alias', …}` then, for each key,
    // dbt_utils.get_filtered_columns_in_relation(from=model) — the key had become its text, and the
    // whole parse stopped at dbt_utils' "expected a Relation but received the value".
    const { p, project } = setup({
      'models/a.sql': 'select 1 as id, 2 as amount',
      'models/b.sql': 'select 1 as id, 3 as qty',
      'models/m.sql': `{%- set models = {ref('a'): 'a_alias', ref('b'): 'b_alias'} -%}
{%- set seen = [] -%}
{%- for model, alias in models.items() -%}
  {%- for col in adapter.get_columns_in_relation(model) -%}{%- do seen.append(alias ~ '.' ~ model.identifier ~ '.' ~ col.name) -%}{%- endfor -%}
{%- endfor -%}
{%- set keys = [] -%}
{%- for model in models -%}{%- do keys.append(model.identifier) -%}{%- endfor -%}
{%- set copied = models.copy() -%}{%- do copied.update({ref('a'): 'updated'}) -%}
{%- set numbers = {1: 'one', 2: 'two'} -%}
select '{{ seen | join(",") }}' as seen, '{{ keys | join(",") }}' as keys_,
  '{{ (models.keys() | list)[1].identifier }}' as second_key, '{{ models[ref("b")] }}' as lookup,
  '{{ (copied.keys() | list)[0].identifier }}={{ copied[ref("a")] }}' as copied,
  {{ (numbers.keys() | list)[0] + 10 }} as number_key`,
    });
    expectStatuses(await project.run({}), { a: 'success', b: 'success', m: 'success' });
    expect(await queryRows(project, `select seen, keys_, second_key, lookup, copied, toString(number_key) as number_key from ${p.schema}.m`)).toEqual([
      { seen: 'a_alias.a.id,a_alias.a.amount,b_alias.b.id,b_alias.b.qty', keys_: 'a,b', second_key: 'b', lookup: 'b_alias', copied: 'a=updated', number_key: '11' },
    ]);
  });

  it("a source declared with no tables is no error (dbt's `tables` defaults to an empty list)", async () => {
    // snowflake-dbt's models/portal_test/sources.yml declares `portal_test` (database, schema,
    // loader, description, tags) and no tables: the whole load stopped ("needs a list of 'tables'").
    const { p, project } = setup({
      'models/sources.yml': 'version: 2\nsources:\n  - name: portal_test\n    schema: portal_test\n    loader: Rudderstack\n    tags: [rudderstack]\n  - name: raw\n    tables: []\n',
      'models/m.sql': 'select 1 as id',
    });
    expectStatuses(await project.run({}), { m: 'success' });
    expect([...project.manifest.nodes.values()].filter((n) => n.resourceType === 'source')).toEqual([]);
    expect(await queryRows(project, `select id from ${p.schema}.m`)).toEqual([{ id: 1 }]);
  });
});
