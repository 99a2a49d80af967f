import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_facebook_ads and fivetran/dbt_hubspot (integration_tests, run unmodified:
 * docs/public-projects.md) whose package default macro cannot run on ClickHouse (dbt-clickhouse fails
 * them the same way): each installed package here holds only the dispatching wrapper and that default,
 * as the real package writes them; tsdbt's packages/core/package-macros/<package> supplies the
 * clickhouse__ version, which must answer as the package's Postgres version.
 */
const setup = openedPerTest();

const FACEBOOK_ADS: Record<string, string> = {
  'dbt_packages/facebook_ads/dbt_project.yml': "name: facebook_ads\nversion: '1.4.2'\n",
  'dbt_packages/facebook_ads/macros/get_url_tag_query.sql': `
{%- macro get_url_tags_query(output_cte_name, url_tags_datatype) %}
    {{ return(adapter.dispatch('get_url_tags_query', 'facebook_ads') (output_cte_name, url_tags_datatype)) }}
{%- endmacro %}
{%- macro default__get_url_tags_query(output_cte_name, url_tags_datatype) %}
    {{ output_cte_name }} as (
        select source_relation, _fivetran_id, creative_id,
            cast(null as {{ dbt.type_string() }}) as key, cast(null as {{ dbt.type_string() }}) as value, cast(null as {{ dbt.type_string() }}) as type
        from unnested
    )
{%- endmacro %}`,
};

const HUBSPOT: Record<string, string> = {
  'dbt_packages/hubspot/dbt_project.yml': "name: hubspot\nversion: '1.2.0'\n",
  'dbt_packages/hubspot/macros/merge_contacts.sql': `
{% macro merge_contacts() -%}
{{ adapter.dispatch('merge_contacts', 'hubspot') () }}
{% endmacro %}
{% macro default__merge_contacts() %}
    select contacts.contact_id, merges as vid_to_merge
    from contacts
    cross join unnest(cast(split(merged_object_ids, ";") as array<string>)) as merges
{% endmacro %}`,
};

describe('fivetran package macros whose default is another warehouse’s SQL', () => {
  it("dbt_facebook_ads' get_url_tags_query: one row per url tag, each field as Postgres' ->> gives it (its default reads a CTE it never defines)", async () => {
    const { p, project } = setup({
      ...FACEBOOK_ADS,
      'seeds/creatives.csv': [
        'source_relation,_fivetran_id,creative_id,url_tags',
        // a JSON array kept as text, as the package's seed and Fivetran's ClickHouse destination store it
        'x,a1,1,"[{""key"":""utm_campaign"",""value"":""fivetran"",""type"":""AD""},{""key"":""utm_medium"",""value"":""video"",""type"":""AD""}]"',
        // a number, a JSON null and a missing field; an empty array and NULL give no row
        'x,a2,2,"[{""key"":""n"",""value"":5,""type"":null}]"',
        'x,a3,3,[]',
        'x,a4,4,',
        '',
      ].join('\n'),
      'models/url_tags.sql': `with required_fields as (
    select source_relation, _fivetran_id, creative_id, url_tags from {{ ref('creatives') }} where url_tags is not null
),
{{ facebook_ads.get_url_tags_query(output_cte_name='fields', url_tags_datatype='text') }}
select * from fields`,
    });
    expectStatuses(await project.build(), { creatives: 'success', url_tags: 'success' });
    expect(await queryRows(project, `select _fivetran_id, creative_id, key, value, type from ${p.schema}.url_tags order by _fivetran_id, key`)).toEqual([
      { _fivetran_id: 'a1', creative_id: 1, key: 'utm_campaign', value: 'fivetran', type: 'AD' },
      { _fivetran_id: 'a1', creative_id: 1, key: 'utm_medium', value: 'video', type: 'AD' },
      { _fivetran_id: 'a2', creative_id: 2, key: 'n', value: '5', type: null },
    ]);
  });

  it("dbt_facebook_ads before 1.4 calls get_url_tags_query() with no arguments and reads the CTE `fields` (ad_reporting v2.2.0's facebook_ads 1.2.0)", async () => {
    const { p, project } = setup({
      'dbt_packages/facebook_ads/dbt_project.yml': "name: facebook_ads\nversion: '1.2.0'\n",
      'dbt_packages/facebook_ads/macros/get_url_tag_query.sql': "{% macro get_url_tags_query() %}{{ return(adapter.dispatch('get_url_tags_query')()) }}{% endmacro %}",
      'dbt_packages/facebook_ads/models/url_tags.sql': `with required_fields as (
    select 'x' as source_relation, 'a1' as _fivetran_id, 1 as creative_id, '[{"key":"utm_medium","value":"video","type":"AD"}]' as url_tags
),
{{ get_url_tags_query() }}
select * from fields`,
    });
    // Before: a syntax error (`as (` with no CTE name: the macro took output_cte_name as given, undefined).
    expectStatuses(await project.build(), { url_tags: 'success' });
    expect(await queryRows(project, `select key, value, type from ${p.schema}.url_tags`)).toEqual([{ key: 'utm_medium', value: 'video', type: 'AD' }]);
  });

  it("dbt_hubspot's merge_contacts: one row per id in merged_object_ids, none for NULL or '' (its default is BigQuery's unnest(split(…)))", async () => {
    const { p, project } = setup({
      ...HUBSPOT,
      'seeds/contacts_seed.csv': 'contact_id,merged_object_ids\n1,11;12\n2,\n3,13\n',
      'models/merges.sql': `with contacts as (select * from {{ ref('contacts_seed') }}),
contact_merge_audit as (
    {{ hubspot.merge_contacts() }}
)
select contacts.contact_id, contact_merge_audit.vid_to_merge
from contacts left join contact_merge_audit on cast(contacts.contact_id as {{ dbt.type_string() }}) = cast(contact_merge_audit.vid_to_merge as {{ dbt.type_string() }})
union all
select contact_id, vid_to_merge from contact_merge_audit`,
    });
    expectStatuses(await project.build(), { contacts_seed: 'success', merges: 'success' });
    const rows = await queryRows<{ contact_id: number; vid_to_merge: string | null }>(project, `select toInt32(contact_id) as contact_id, vid_to_merge from ${p.schema}.merges order by contact_id, vid_to_merge`);
    // No contact's id is merged into another here: the left join keeps all three with NULL; the merges are 1→11, 1→12, 3→13.
    expect(rows).toEqual([
      { contact_id: 1, vid_to_merge: '11' },
      { contact_id: 1, vid_to_merge: '12' },
      { contact_id: 1, vid_to_merge: null },
      { contact_id: 2, vid_to_merge: null },
      { contact_id: 3, vid_to_merge: '13' },
      { contact_id: 3, vid_to_merge: null },
    ]);
  });

  it("dbt_jira's split_sprint_ids: one row per sprint id in the text, none for NULL or '' (its default is BigQuery's unnest(split(…)))", async () => {
    const { p, project } = setup({
      'dbt_packages/jira/dbt_project.yml': "name: jira\nversion: '1.10.0'\n",
      'dbt_packages/jira/macros/split_sprint_ids.sql': `
{% macro split_sprint_ids(using_teams, include_story_points=false, include_story_point_estimate=false) %}
{{ adapter.dispatch('split_sprint_ids', 'jira') (using_teams, include_story_points, include_story_point_estimate) }}
{% endmacro %}
{% macro default__split_sprint_ids(using_teams, include_story_points=false, include_story_point_estimate=false) %}
    select daily_issue_field_history.issue_id, sprints as sprint_id
    from daily_issue_field_history
    cross join unnest(cast(split(sprint, ", ") as array<string>)) as sprints
{% endmacro %}`,
      'seeds/history.csv': 'issue_id,source_relation,date_day,date_week,status,sprint\n1,,2024-01-01,2024-01-01,open,"7, 8"\n2,,2024-01-01,2024-01-01,open,\n3,,2024-01-01,2024-01-01,done,9\n',
      'models/sprints.sql': `with daily_issue_field_history as (select * from {{ ref('history') }}),
split as ({{ jira.split_sprint_ids(using_teams=false) }})
select issue_id, sprint_id from split`,
    });
    expectStatuses(await project.build(), { history: 'success', sprints: 'success' });
    expect(await queryRows(project, `select toInt32(issue_id) as issue_id, sprint_id from ${p.schema}.sprints order by issue_id, sprint_id`)).toEqual([
      { issue_id: 1, sprint_id: '7' },
      { issue_id: 1, sprint_id: '8' },
      { issue_id: 3, sprint_id: '9' },
    ]);
  });
  it("dbt_amazon_selling_partner's convert_string_to_numeric: the first number in the text, NULL when none (its default casts the text as is)", async () => {
    const { p, project } = setup({
      'dbt_packages/amazon_selling_partner/dbt_project.yml': "name: amazon_selling_partner\nversion: '0.4.1'\n",
      'dbt_packages/amazon_selling_partner/macros/convert_string_to_numeric.sql': `
{%- macro convert_string_to_numeric(column) -%}
{{ return(adapter.dispatch('convert_string_to_numeric', 'amazon_selling_partner')(column)) }}
{%- endmacro -%}
{%- macro default__convert_string_to_numeric(column) -%}
cast(REPLACE({{ column }}, ',', '') as {{ dbt.type_numeric() }})
{%- endmacro -%}`,
      'seeds/order_item.csv': 'id,item_price_amount\n1,"1,039.01"\n2,39.01a\n3,\n4,n/a\n5,-2.5\n',
      'models/items.sql': `select id, {{ amazon_selling_partner.convert_string_to_numeric('item_price_amount') }} as item_price_amount from {{ ref('order_item') }}`,
    });
    expectStatuses(await project.build(), { order_item: 'success', items: 'success' });
    expect(await queryRows(project, `select toInt32(id) as id, toString(item_price_amount) as amount from ${p.schema}.items order by id`)).toEqual([
      { id: 1, amount: '1039.01' },
      { id: 2, amount: '39.01' },
      { id: 3, amount: null },
      { id: 4, amount: null },
      { id: 5, amount: '-2.5' },
    ]);
  });
  it("dbt_sap's char_yyyymmdd_to_date: the date of eight digits, NULL for anything else (its default's to_date failed the model on '2025-01-05')", async () => {
    const { p, project } = setup({
      'dbt_packages/sap/dbt_project.yml': "name: sap\nversion: '0.8.1'\n",
      'dbt_packages/sap/macros/char_yyyymmdd_to_date.sql': `
{% macro char_yyyymmdd_to_date(date_string) -%}
    {{ adapter.dispatch('char_yyyymmdd_to_date')(date_string) }}
{%- endmacro %}
{% macro default__char_yyyymmdd_to_date(date_string) %}
    to_date(cast({{ date_string }} as {{ dbt.type_string() }}), 'YYYYMMDD')
{% endmacro %}`,
      // eindt as its seed holds it (a date), as SAP writes it (eight digits), and not a date
      'seeds/eket.csv': 'id,eindt,aedat\n1,2025-01-05,20250105\n2,2025-02-05,19600229\n3,,20250231\n4,2025-03-05,2025010\n',
      // a model of the package: its dispatch names no namespace, so it searches the package's own macros (dbt's local namespace)
      'dbt_packages/sap/models/schedule_line.sql': `select id, {{ char_yyyymmdd_to_date('eindt') }} as item_delivery_date, {{ char_yyyymmdd_to_date('aedat') }} as changed_on from {{ ref('eket') }}`,
    });
    expectStatuses(await project.build(), { eket: 'success', schedule_line: 'success' });
    expect(await queryRows(project, `select toInt32(s.id) as id, toString(s.item_delivery_date) as d, toString(s.changed_on) as c from ${p.schema}.schedule_line as s order by id`)).toEqual([
      { id: 1, d: null, c: '2025-01-05' },
      { id: 2, d: null, c: '1960-02-29' },
      { id: 3, d: null, c: null },
      { id: 4, d: null, c: null },
    ]);
  });
});
