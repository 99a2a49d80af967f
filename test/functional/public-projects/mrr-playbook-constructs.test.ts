import { describe, expect, it } from 'vitest';
import { cliProjects, runCli } from '../../helpers/cli.js';

/*
 * Constructs of dbt-labs/mrr-playbook (run unmodified: docs/public-projects.md) that failed on
 * ClickHouse, reproduced minimally. Each build is its own process: ClickHouse records a view's
 * dependencies when it loads the warehouse.
 */
const { warehouse, project } = cliProjects('tsdbt-mrr-playbook-warehouse');
const cli = (dir: string, args: string[]) => runCli(args, { cwd: dir, env: { NO_COLOR: '1' } });

describe('dbt-labs/mrr-playbook constructs', () => {
  it('builds again in the same warehouse when a view names a CTE like a model that reads it (a false ClickHouse dependency: INFINITE_LOOP on every RENAME)', () => {
    // As customer_churn_month (`with mrr as (select * from ref('customer_revenue_by_month')) …`) read by the model mrr,
    // with the plain profile's default database (ClickHouse takes the CTE for the relation default.mrr).
    const p = project(
      {
        'seeds/subscription_periods.csv': 'customer_id,mrr\n1,10\n2,20\n',
        'models/revenue.sql': "select customer_id, mrr from {{ ref('subscription_periods') }}",
        'models/churn.sql': "with mrr as (select * from {{ ref('revenue') }}),\njoined as (select customer_id, 0 as mrr from mrr where mrr.customer_id = 2)\nselect * from joined",
        'models/mrr.sql': "select * from {{ ref('revenue') }} union all select * from {{ ref('churn') }}",
      },
      `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: default\n      threads: 2\n`,
    );
    for (const round of [1, 2, 3]) {
      const run = cli(p.dir, ['build']);
      expect(run.stdout + run.stderr, `build ${round}`).toContain('PASS=4 WARN=0 ERROR=0');
      expect(run.code).toBe(0);
    }
    const shown = cli(p.dir, ['show', '--inline', 'select count() as n, sum(mrr) as total from mrr', '--output', 'json']);
    expect(JSON.parse(shown.stdout).show).toEqual([{ n: 3, total: 30 }]);
  });

  it('a view reading a CTE still runs again with a name spelled in the column\'s case (the stored CTE names differ from the query as written)', () => {
    // As fivetran/dbt_klaviyo's staging views: `_fivetran_deleted as _fivetran_deleted` over a `_FIVETRAN_DELETED` seed column.
    const p = project({
      'seeds/metric.csv': 'ID,_FIVETRAN_DELETED\na,false\n',
      'models/stg_metric.sql': "with base as (select * from {{ ref('metric') }}),\nfields as (select _fivetran_deleted as _fivetran_deleted, id as id from base)\nselect * from fields",
    });
    const run = cli(p.dir, ['build']);
    expect(run.stdout + run.stderr).toContain('PASS=2 WARN=0 ERROR=0');
  });
});
