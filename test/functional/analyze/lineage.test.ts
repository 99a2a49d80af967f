import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProjectAnalysis } from '../../../packages/core/src/index.js';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, openedPerTest } from '../../helpers/inline-project.js';

/**
 * Hand-checked models: SELECT *, renames, an ephemeral filter, a CTE with aggregates, joins (one to a
 * seed, one USING), a window function, UNION ALL, ARRAY JOIN, scalar and IN subqueries.
 */
const LINEAGE_PROJECT: Record<string, string> = {
  'sources.yml': `version: 2
sources:
  - name: raw
    schema: raw
    tables:
      - name: orders
        columns:
          - {name: order_id, data_type: UInt32}
          - {name: user_id, data_type: UInt32}
          - {name: status, data_type: String}
          - {name: amount, data_type: Float64}
          - {name: ordered_at, data_type: DateTime}
      - name: users
        columns:
          - {name: user_id, data_type: UInt32}
          - {name: name, data_type: String}
          - {name: country, data_type: String}
`,
  'seeds/countries.csv': 'code,label\nFR,France\nDE,Germany\n',
  'models/stg_orders.sql': "select * from {{ source('raw', 'orders') }}\n",
  'models/stg_users.sql': "select user_id, name as user_name, country as country_code from {{ source('raw', 'users') }}\n",
  'models/completed_orders.sql': "{{ config(materialized='ephemeral') }}\nselect order_id, user_id, amount from {{ ref('stg_orders') }} where status = 'completed'\n",
  'models/user_revenue.sql': `with per_user as (
    select user_id, sum(amount) as revenue, count() as orders
    from {{ ref('completed_orders') }}
    group by user_id
)
select
    u.user_id as user_id,
    u.user_name as name,
    c.label as country,
    coalesce(p.revenue, 0) as revenue,
    p.orders,
    row_number() over (partition by u.country_code order by p.revenue desc) as rank_in_country
from {{ ref('stg_users') }} as u
left join per_user as p on p.user_id = u.user_id
join {{ ref('countries') }} as c on c.code = u.country_code
`,
  'models/all_ids.sql': "select user_id as id, 'user' as kind from {{ ref('stg_users') }}\nunion all\nselect order_id as id, 'order' as kind from {{ ref('stg_orders') }}\n",
  'models/tags.sql': `select
    o.order_id,
    user_id,
    tag,
    (select max(amount) from {{ ref('stg_orders') }}) as max_amount
from {{ ref('stg_orders') }} as o
join {{ ref('stg_users') }} as u using (user_id)
array join splitByChar(',', o.status) as tag
where o.user_id in (select user_id from {{ ref('stg_users') }} where country_code = 'FR')
`,
  'models/order_stats.sql': `select
    toDate(ordered_at) as day,
    status,
    count(distinct user_id) as buyers,
    sum(amount) as revenue
from {{ ref('stg_orders') }}
where amount > 0
group by day, status
having count() > 1
`,
};

/** Worked out by hand from the SQL above: each column's upstream columns and the kind of each dependency. */
const EXPECTED: Record<string, Record<string, string[]>> = {
  stg_orders: {
    order_id: ['raw.orders.order_id passthrough'],
    user_id: ['raw.orders.user_id passthrough'],
    status: ['raw.orders.status passthrough'],
    amount: ['raw.orders.amount passthrough'],
    ordered_at: ['raw.orders.ordered_at passthrough'],
  },
  stg_users: {
    user_id: ['raw.users.user_id passthrough'],
    user_name: ['raw.users.name rename'],
    country_code: ['raw.users.country rename'],
  },
  completed_orders: {
    order_id: ['stg_orders.order_id passthrough', 'stg_orders.status filter'],
    user_id: ['stg_orders.user_id passthrough', 'stg_orders.status filter'],
    amount: ['stg_orders.amount passthrough', 'stg_orders.status filter'],
  },
  user_revenue: {
    // the join keys (ON p.user_id = u.user_id, ON c.code = u.country_code) decide every row
    user_id: ['stg_users.user_id passthrough', 'completed_orders.user_id join', 'countries.code join', 'stg_users.country_code join'],
    name: ['stg_users.user_name rename', 'completed_orders.user_id join', 'countries.code join', 'stg_users.country_code join', 'stg_users.user_id join'],
    country: ['countries.label rename', 'completed_orders.user_id join', 'countries.code join', 'stg_users.country_code join', 'stg_users.user_id join'],
    // sum(amount) in the CTE, then coalesce()
    revenue: ['completed_orders.amount transformation', 'completed_orders.user_id join', 'countries.code join', 'stg_users.country_code join', 'stg_users.user_id join'],
    // count(): no column of its own, only the rows (the CTE's GROUP BY user_id is also a join key here)
    orders: ['completed_orders.user_id join', 'countries.code join', 'stg_users.country_code join', 'stg_users.user_id join'],
    // a window: PARTITION BY and ORDER BY columns compute its value
    rank_in_country: ['completed_orders.amount transformation', 'stg_users.country_code transformation', 'completed_orders.user_id join', 'countries.code join', 'stg_users.user_id join'],
  },
  all_ids: {
    id: ['stg_orders.order_id rename', 'stg_users.user_id rename'],
    kind: [],
  },
  tags: {
    // JOIN … USING: ClickHouse resolves the USING column to the left table's; IN (subquery) filters rows
    order_id: ['stg_orders.order_id passthrough', 'stg_orders.user_id join', 'stg_users.user_id join', 'stg_users.country_code filter'],
    user_id: ['stg_orders.user_id passthrough', 'stg_users.user_id join', 'stg_users.country_code filter'],
    // ARRAY JOIN of an expression over status
    tag: ['stg_orders.status transformation', 'stg_orders.user_id join', 'stg_users.user_id join', 'stg_users.country_code filter'],
    // a scalar subquery
    max_amount: ['stg_orders.amount transformation', 'stg_orders.user_id join', 'stg_users.user_id join', 'stg_users.country_code filter'],
  },
  order_stats: {
    day: ['stg_orders.ordered_at transformation', 'stg_orders.status group_by', 'stg_orders.amount filter'],
    status: ['stg_orders.status passthrough', 'stg_orders.ordered_at group_by', 'stg_orders.amount filter'],
    buyers: ['stg_orders.user_id transformation', 'stg_orders.ordered_at group_by', 'stg_orders.status group_by', 'stg_orders.amount filter'],
    revenue: ['stg_orders.amount transformation', 'stg_orders.ordered_at group_by', 'stg_orders.status group_by'],
  },
};

const short = (id: string) => id.split('.').slice(2).join('.');
const lineageOf = (analysis: ProjectAnalysis, model: string) =>
  Object.fromEntries(analysis.nodes.get(`model.proj.${model}`)!.columns.map((c) => [c.name, c.upstream.map((u) => `${short(u.node!)}.${u.column} ${u.kind}`)]));

const setup = openedPerTest();
const cleanup: (() => void)[] = [];
afterAll(() => cleanup.forEach((f) => f()));

describe('column lineage', () => {
  it('equals the hand-checked lineage: SELECT *, renames, ephemeral, CTEs, aggregates, joins, windows, UNION', async () => {
    const { project } = setup(LINEAGE_PROJECT);
    const analysis = await project.validate();
    expect(analysis.issues).toEqual([]);
    for (const [model, columns] of Object.entries(EXPECTED)) expect(lineageOf(analysis, model), model).toEqual(columns);
  });

  it('writes target/lineage.json and types every model column in target/manifest.json', async () => {
    const { project } = setup({
      ...LINEAGE_PROJECT,
      'models/schema.yml': 'version: 2\nmodels:\n  - name: user_revenue\n    columns:\n      - name: revenue\n        description: Revenue of completed orders\n      - name: gone\n        description: documented, not produced\n',
    });
    await project.validate();
    const manifest = JSON.parse(readFileSync(join(project.targetDir, 'manifest.json'), 'utf8'));
    const columns = manifest.nodes['model.proj.user_revenue'].columns;
    expect(Object.keys(columns)).toEqual(['user_id', 'name', 'country', 'revenue', 'orders', 'rank_in_country', 'gone']);
    expect(columns.revenue).toEqual({ name: 'revenue', description: 'Revenue of completed orders', data_type: 'Float64', meta: {}, tags: [], constraints: [], config: { meta: {}, tags: [] }, doc_blocks: [] });
    // p.orders comes from the LEFT JOIN's right side: NULL for a user without orders, as on dbt's other warehouses (dbt_semantics).
    expect(columns.orders.data_type).toBe('Nullable(UInt64)');
    expect(columns.gone.data_type).toBeNull();
    expect(manifest.nodes['model.proj.all_ids'].columns.kind.data_type).toBe('String');
    expect(manifest.nodes['model.proj.user_revenue'].compiled_code).toContain('`__dbt__cte__completed_orders` as (');
    const lineage = JSON.parse(readFileSync(join(project.targetDir, 'lineage.json'), 'utf8'));
    expect(lineage.nodes['model.proj.stg_users']).toEqual({
      resource_type: 'model', name: 'stg_users', relation_name: `${project.target.schema}.stg_users`, status: 'valid',
      columns: [
        { name: 'user_id', data_type: 'UInt32', upstream: [{ node: 'source.proj.raw.users', relation: 'raw.users', column: 'user_id', kind: 'passthrough' }] },
        { name: 'user_name', data_type: 'String', upstream: [{ node: 'source.proj.raw.users', relation: 'raw.users', column: 'name', kind: 'rename' }] },
        { name: 'country_code', data_type: 'String', upstream: [{ node: 'source.proj.raw.users', relation: 'raw.users', column: 'country', kind: 'rename' }] },
      ],
    });
    expect(lineage.nodes['seed.proj.countries'].columns.map((c: { name: string }) => c.name)).toEqual(['code', 'label']);
  });

  it('traces one column up to the sources and down to what uses it', async () => {
    const { project } = setup(LINEAGE_PROJECT);
    const trace = await project.columnLineage('stg_orders.amount');
    const edge = (e: { from: { node: string; column: string }; to: { node: string; column: string }; kind: string }) => `${short(e.from.node)}.${e.from.column} -> ${short(e.to.node)}.${e.to.column} ${e.kind}`;
    expect(trace.type).toBe('Float64');
    expect(trace.upstream.map(edge)).toEqual(['raw.orders.amount -> stg_orders.amount passthrough']);
    expect(trace.downstream.map(edge).sort()).toEqual([
      'stg_orders.amount -> completed_orders.amount passthrough',
      'stg_orders.amount -> tags.max_amount transformation',
      'stg_orders.amount -> order_stats.buyers filter',
      'stg_orders.amount -> order_stats.day filter',
      'stg_orders.amount -> order_stats.revenue transformation',
      'stg_orders.amount -> order_stats.status filter',
      'completed_orders.amount -> user_revenue.rank_in_country transformation',
      'completed_orders.amount -> user_revenue.revenue transformation',
    ].sort());
    await expect(project.columnLineage('stg_orders.amout')).rejects.toThrow(/stg_orders has no column 'amout'/);
    await expect(project.columnLineage('nope.amount')).rejects.toThrow(/does not name a column/);
  });

  it('prints the trees from the CLI (tsdbt lineage)', () => {
    const p = inlineProject(LINEAGE_PROJECT);
    cleanup.push(() => p.cleanup());
    const r = spawnSync(process.execPath, [CLI, 'lineage', 'user_revenue.revenue', '--project-dir', p.dir, '--no-color'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      ['user_revenue.revenue Float64', '', 'upstream (computed from)', '  completed_orders.amount  transformation', '    stg_orders.amount  passthrough', '      raw.orders.amount  passthrough (source)', '', 'downstream (computed from it)', '  (none)', ''].join('\n'),
    );
    // --keys adds the columns that decide the rows
    const keys = spawnSync(process.execPath, [CLI, 'lineage', 'user_revenue.country', '--direction', 'upstream', '--keys', '--project-dir', p.dir, '--no-color'], { encoding: 'utf8' });
    expect(keys.stdout.split('\n').slice(0, 6)).toEqual([
      'user_revenue.country String',
      '',
      'upstream (computed from)',
      '  countries.label  rename (seed)',
      '  completed_orders.user_id  join',
      '    stg_orders.user_id  passthrough',
    ]);
    const json = spawnSync(process.execPath, [CLI, 'lineage', 'raw.users.country', '--output', 'json', '--project-dir', p.dir], { encoding: 'utf8' });
    const out = JSON.parse(json.stdout);
    expect(out.column).toEqual({ node: 'source.proj.raw.users', column: 'country', data_type: 'String' });
    expect(out.downstream[0]).toEqual({ from: { node: 'source.proj.raw.users', column: 'country' }, to: { node: 'model.proj.stg_users', column: 'country_code' }, kind: 'rename' });
  });
});
