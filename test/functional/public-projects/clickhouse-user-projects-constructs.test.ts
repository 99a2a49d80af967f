import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of public dbt-clickhouse projects (run unmodified over hand-made sources:
 * docs/public-projects.md) that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt-clickhouse user projects: constructs', () => {
  it("order_by / partition_by / primary_key written as one string of several expressions are tuples, as dbt-clickhouse writes them (rsolanov/otus_clickhouse_dbt: order_by ='category_id, product_id')", async () => {
    const { p: ip, project: p } = setup({
      'models/products.sql': `{{ config(materialized='table', engine='MergeTree', order_by='category_id, product_id', partition_by='toYYYYMM(d), region') }}
select toInt32(number % 3) as category_id, toInt32(number) as product_id, toDate('2024-01-01') + number * 40 as d, 'eu' as region from numbers(5)`,
      'models/keyed.sql': `{{ config(materialized='table', primary_key='a, b') }}
select 1 as a, 'x' as b, 2 as c`,
      'models/hashed.sql': `{{ config(materialized='table', order_by='cityHash64(a, b)') }}
select 1 as a, 'x' as b`,
      'models/inc.sql': `{{ config(materialized='incremental', order_by='k, v', unique_key='k', partition_by='k % 2, v') }}
select toInt32(number) as k, 'v' || toString(number) as v from numbers({% if is_incremental() %}4{% else %}2{% endif %})`,
    });
    expectStatuses(await p.build(), { products: 'success', keyed: 'success', hashed: 'success', inc: 'success' });
    expectStatuses(await p.build(), { products: 'success', keyed: 'success', hashed: 'success', inc: 'success' });
    expect(await queryRows(p, `select name, sorting_key, partition_key, primary_key from system.tables where database = '${ip.schema}' order by name`)).toEqual([
      { name: 'hashed', sorting_key: 'cityHash64(a, b)', partition_key: '', primary_key: 'cityHash64(a, b)' },
      { name: 'inc', sorting_key: 'k, v', partition_key: '(k % 2, v)', primary_key: 'k, v' },
      { name: 'keyed', sorting_key: 'a, b', partition_key: '', primary_key: 'a, b' },
      { name: 'products', sorting_key: 'category_id, product_id', partition_key: '(toYYYYMM(d), region)', primary_key: 'category_id, product_id' },
    ]);
    expect(await queryRows(p, `select k, v from ${ip.schema}.inc order by k`)).toEqual([0, 1, 2, 3].map((k) => ({ k, v: `v${k}` })));
  });

  it("a table key that dbt_semantics makes Nullable (an aggregate with no GROUP BY, a LEFT JOIN's right column) builds, with allow_nullable_key (nersus15/clickhouse-dbt-ildki: order_by on max(res_updated))", async () => {
    const { p: ip, project: p } = setup({
      'models/a.sql': "{{ config(materialized='table', order_by='k') }}\nselect toInt32(number) as k, 'x' as v from numbers(3)",
      'models/freshness.sql': "{{ config(materialized='table', engine='MergeTree()', order_by=['last_k']) }}\nselect max(k) as last_k, count() as n from {{ ref('a') }}",
      'models/joined.sql': "{{ config(materialized='table', order_by='ck', partition_by='ck % 2') }}\nselect a.k as k, c.k as ck from {{ ref('a') }} a left join (select k from {{ ref('a') }} where k > 0) c on a.k = c.k",
      'models/inc.sql': "{{ config(materialized='incremental', order_by='m', unique_key='m') }}\nselect max(k) as m, count() as n from {{ ref('a') }}",
      'models/own.sql': "{{ config(materialized='table', order_by='m', settings={'allow_nullable_key': 0}) }}\nselect max(k) as m from {{ ref('a') }}",
    });
    const built = { a: 'success', freshness: 'success', joined: 'success', inc: 'success', own: 'error' };
    expectStatuses(await p.build(), built);
    expectStatuses(await p.build(), built);
    expect(await queryRows(p, `select last_k, n from ${ip.schema}.freshness`)).toEqual([{ last_k: 2, n: '3' }]);
    expect(await queryRows(p, `select k, ck from ${ip.schema}.joined order by k`)).toEqual([{ k: 0, ck: null }, { k: 1, ck: 1 }, { k: 2, ck: 2 }]);
    expect(await queryRows(p, `select m, n from ${ip.schema}.inc`)).toEqual([{ m: 2, n: '3' }]);
    // The model's own allow_nullable_key = 0 is kept: ClickHouse's refusal, as written.
    expect(await queryRows(p, `select name from system.tables where database = '${ip.schema}' order by name`)).toEqual(['a', 'freshness', 'inc', 'joined'].map((name) => ({ name })));
  });
  it("a materialized view with an enforced contract: its columns are checked before anything changes, its own target takes the declared types and constraints (davimi/clickhouse-dbt-playground: +contract enforced over materialized_view)", async () => {
    const yml = (nType: string) => `version: 2
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables: [{name: events}]
models:
  - name: events_agg
    config:
      contract: {enforced: true}
    columns:
      - name: n
        data_type: ${nType}
        constraints: [{type: check, expression: "n > 0"}]
      - name: kind
        data_type: LowCardinality(String)
`;
    const { p: ip, project: p } = setup({
      'models/events_agg.sql': "{{ config(materialized='materialized_view', engine='MergeTree', order_by='kind') }}\nselect JSONExtractString(payload, 'kind') as kind, toUInt32(length(payload)) as n from {{ source('raw', 'events') }}",
      'models/schema.yml': yml('UInt32'),
    });
    const client = (await p.adapter()).client;
    await client.command(`CREATE DATABASE IF NOT EXISTS ${ip.schema}`);
    await client.command(`CREATE TABLE ${ip.schema}.events (payload String) ENGINE = MergeTree ORDER BY tuple()`);
    await client.command(`INSERT INTO ${ip.schema}.events VALUES ('{"kind":"a"}'), ('{"kind":"bb"}')`);
    expectStatuses(await p.build(), { events_agg: 'success' });
    const ddl = async () => (await queryRows<{ name: string; type: string }>(p, `DESCRIBE TABLE ${ip.schema}.events_agg`)).map((c) => `${c.name} ${c.type}`);
    // The declared order and types (LowCardinality where the SELECT gives String), and the CHECK constraint.
    expect(await ddl()).toEqual(['n UInt32', 'kind LowCardinality(String)']);
    expect((await queryRows<{ q: string }>(p, `SELECT create_table_query AS q FROM system.tables WHERE database = '${ip.schema}' AND name = 'events_agg'`))[0]!.q).toContain('CHECK (n > 0)');
    // The view writes new rows into that table; a second build keeps it as it is.
    await client.command(`INSERT INTO ${ip.schema}.events VALUES ('{"kind":"c"}')`);
    expectStatuses(await p.build(), { events_agg: 'success' });
    expect(await queryRows(p, `SELECT kind, n FROM ${ip.schema}.events_agg ORDER BY kind`)).toEqual([{ kind: 'a', n: 12 }, { kind: 'bb', n: 13 }, { kind: 'c', n: 12 }]);
    // A contract the SELECT does not keep fails with dbt's mismatch table, the table and its view untouched.
    ip.write({ 'models/schema.yml': yml('UInt64') });
    const failed = await setup.reopen(ip).build();
    expectStatuses(failed, { events_agg: 'error' });
    expect(failed.results[0]!.message).toMatch(/enforced contract that failed[\s\S]*\| n +\| UInt32 +\| UInt64 +\| data type mismatch/);
    expect(await ddl()).toEqual(['n UInt32', 'kind LowCardinality(String)']);
    await client.command(`INSERT INTO ${ip.schema}.events VALUES ('{"kind":"d"}')`);
    expect(await queryRows(p, `SELECT count() AS n FROM ${ip.schema}.events_agg`)).toEqual([{ n: '4' }]);
  });
  it("a materialized view naming its source table by name, not ref()/source(), is backfilled with the table's rows where the basic view lifecycle runs (chDB's default database, which cannot EXCHANGE; old servers, cluster mode) — it read nothing before (a SummingMergeTree view over `FROM transactions_silver_tbl`)", async () => {
    const { p: ip, project: p } = setup({});
    // The view and its source in chDB's `default` database (engine Overlay: no EXCHANGE, so mv-basic.ts builds it).
    const events = `${ip.schema}_events`;
    const agg = `${ip.schema}_agg`;
    ip.write({
      'macros/schema.sql': '{% macro generate_schema_name(custom_schema_name, node) %}{{ custom_schema_name or target.schema }}{% endmacro %}',
      [`models/${agg}.sql`]: `{{ config(materialized='materialized_view', schema='default', engine='SummingMergeTree', order_by='kind') }}\nselect kind, count() as n, sum(size) as bytes from ${events} where not is_bundle group by kind`,
    });
    const client = (await p.adapter()).client;
    await client.command(`CREATE TABLE default.${events} (kind String, size UInt64, is_bundle Bool) ENGINE = MergeTree ORDER BY tuple()`);
    try {
      await client.command(`INSERT INTO default.${events} SELECT ['img', 'vid'][number % 2 + 1], number, number % 7 = 0 FROM numbers(100)`);
      const again = setup.reopen(ip);
      expectStatuses(await again.build(), { [agg]: 'success' });
      const totals = () => queryRows(p, `SELECT sum(n) AS n, sum(bytes) AS bytes FROM default.${agg}`);
      // The rows of the source before the build (85 not bundles), as dbt-clickhouse's catchup inserts them.
      expect(await totals()).toEqual([{ n: '85', bytes: '4215' }]);
      await client.command(`INSERT INTO default.${events} VALUES ('img', 1000, false)`);
      expectStatuses(await again.build(), { [agg]: 'success' });
      expect(await totals()).toEqual([{ n: '86', bytes: '5215' }]);
      // What cannot be done there is said to be the database's doing, not the server's.
      const full = await setup.reopen(ip).run({ fullRefresh: true });
      expectStatuses(full, { [agg]: 'error' });
      expect(full.results[0]!.message).toMatch(/--full-refresh is not supported in database default, whose engine \(\w+\) cannot EXCHANGE TABLES/);
      expect(await totals()).toEqual([{ n: '86', bytes: '5215' }]);
    } finally {
      await client.command(`DROP TABLE IF EXISTS default.${agg}_mv`);
      await client.command(`DROP TABLE IF EXISTS default.${agg}`);
      await client.command(`DROP TABLE IF EXISTS default.${events}`);
    }
  });
});
