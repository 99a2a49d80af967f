import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran's dbt_github (1.1, its integration_tests) that failed when run unmodified
 * (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

const issue = "select 'src' as source_relation, 1 as issue_id, 10 as repository_id, 'bug' as title union all select 'src', 2, 10, 'feature'";
const label = "select 'src' as source_relation, 1 as issue_id, 'p1' as labels union all select 'src', 2, 'p2'";
const repo = "select 'src' as source_relation, 10 as repository_id, 'org/repo' as repository";

describe('fivetran dbt_github constructs', () => {
  it("names a joined CTE's `t.*` columns as the table's columns (ClickHouse prefixes those another joined table also has), so the next SELECT reads them", async () => {
    const { p: ip, project: p } = setup({
      'models/issue.sql': issue,
      'models/issue_label.sql': label,
      'models/repository.sql': repo,
      // As github's int_github__issue_joined: an ephemeral whose SELECT joins three tables and reads `issue.*`.
      'models/issue_joined.sql': `{{ config(materialized='ephemeral') }}
with issue as (select * from {{ ref('issue') }}), labels as (select * from {{ ref('issue_label') }}), repository as (select * from {{ ref('repository') }})
select
  issue.*,
  labels.labels,
  repository.repository
from issue
left join labels on issue.issue_id = labels.issue_id and issue.source_relation = labels.source_relation
left join repository on issue.repository_id = repository.repository_id and issue.source_relation = repository.source_relation`,
      'models/issues.sql': "with issue_joined as (select * from {{ ref('issue_joined') }})\nselect source_relation, issue_id, repository_id, title, labels, repository from issue_joined",
      // The same in a CTE of the model itself, the star's table joined twice.
      'models/issues_inline.sql': `with issue as (select * from {{ ref('issue') }}),
joined as (
  select issue.*, l1.labels as label_a, l2.labels as label_b
  from issue
  join {{ ref('issue_label') }} as l1 on l1.issue_id = issue.issue_id
  join {{ ref('issue_label') }} as l2 on l2.issue_id = issue.issue_id
)
select issue_id, source_relation, label_a, label_b from joined`,
    });
    expectStatuses(await p.run(), { issue: 'success', issue_label: 'success', repository: 'success', issues: 'success', issues_inline: 'success' });
    expect(await queryRows(p, `select source_relation, toInt32(issue_id) as issue_id, title, labels, repository from ${ip.schema}.issues order by issue_id`)).toEqual([
      { source_relation: 'src', issue_id: 1, title: 'bug', labels: 'p1', repository: 'org/repo' },
      { source_relation: 'src', issue_id: 2, title: 'feature', labels: 'p2', repository: 'org/repo' },
    ]);
    expect(await queryRows(p, `select name from system.columns where database = '${ip.schema}' and table = 'issues_inline' order by position`)).toEqual([
      { name: 'issue_id' }, { name: 'source_relation' }, { name: 'label_a' }, { name: 'label_b' },
    ]);
  });

  it("a model whose one join reads the right side's `t.*` gets that table's column names (ClickHouse prefixes the ones the left side also has)", async () => {
    const { p: ip, project: p } = setup({
      'models/issue.sql': issue,
      'models/issue_label.sql': label,
      'models/labelled.sql': "select l.*, i.title from {{ ref('issue') }} as i join {{ ref('issue_label') }} as l on l.issue_id = i.issue_id",
    });
    expectStatuses(await p.run(), { issue: 'success', issue_label: 'success', labelled: 'success' });
    expect(await queryRows(p, `select name from system.columns where database = '${ip.schema}' and table = 'labelled' order by position`)).toEqual([
      { name: 'source_relation' }, { name: 'issue_id' }, { name: 'labels' }, { name: 'title' },
    ]);
  });

  it("reads a column, not the SELECT's alias of the same name, in another item and in WHERE (SQL's precedence); ORDER BY still reads the alias", async () => {
    const { p: ip, project: p } = setup({
      'models/daily.sql': "select toDate('2024-01-01') + number as day, 'r' as repository, 2 as number_issues_opened, 10.0 as sum_days_issue_open, if(number = 1, NULL, number) as x from numbers(3)",
      // As github's weekly metrics: `sum(n) as n` beside `sum(d) / sum(n)` (ClickHouse: an aggregate inside an aggregate).
      'models/weekly.sql': `select
  repository as repository,
  sum(number_issues_opened) as number_issues_opened,
  sum(sum_days_issue_open) / sum(number_issues_opened) as avg_days_issue_open
from {{ ref('daily') }}
group by 1`,
      // The WHERE reads the column x (NULL for one row), not the alias (never NULL); ORDER BY reads the alias.
      'models/filled.sql': "select coalesce(x, 7) as x, day from {{ ref('daily') }} where x is not null order by x desc",
      // As audit_helper's compare_all_columns summary, with a WHERE on the column: the alias in ORDER BY of a grouped SELECT.
      'models/summary.sql': "select upper(repository) as repository, count(*) as n from {{ ref('daily') }} where repository != '' group by 1 order by repository",
    });
    expectStatuses(await p.run(), { daily: 'success', weekly: 'success', filled: 'success', summary: 'success' });
    expect(await queryRows(p, `select repository, toInt64(number_issues_opened) as n, avg_days_issue_open as a from ${ip.schema}.weekly`)).toEqual([
      { repository: 'r', n: '6', a: 5 },
    ]);
    expect(await queryRows(p, `select toInt32(x) as x from ${ip.schema}.filled order by x desc`)).toEqual([{ x: 2 }, { x: 0 }]);
    expect(await queryRows(p, `select repository, toInt32(n) as n from ${ip.schema}.summary`)).toEqual([{ repository: 'R', n: 3 }]);
  });
});
