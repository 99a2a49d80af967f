import { describe, expect, it } from 'vitest';
import type { RunEvent, TsdbtProject } from '../../../packages/core/src/index.js';
import { finished, started } from '../../helpers/events.js';
import { inlineProject, openedPerTest, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';

const setup = openedPerTest();


function project(severity: 'error' | 'warn', extraModels: Record<string, string> = {}) {
  return setup({
    'seeds/raw_orders.csv': 'id,amount,status\n1,10,paid\n2,20,paid\n2,5,open\n3,,refunded\n',
    'models/stg_orders.sql': "{{ config(materialized='table') }}\nselect id, amount, status from {{ ref('raw_orders') }}",
    'models/orders_by_status.sql': "{{ config(materialized='table') }}\nselect status, count() as n from {{ ref('stg_orders') }} group by status",
    'models/report.sql': "select sum(n) as total from {{ ref('orders_by_status') }}",
    'models/unrelated.sql': "{{ config(materialized='table') }}\nselect 1 as x",
    'models/schema.yml': `version: 2
seeds:
  - name: raw_orders
    columns:
      - name: id
        tests: [not_null]
models:
  - name: stg_orders
    columns:
      - name: id
        tests: [not_null]
      - name: status
        tests:
          - accepted_values:
              values: [paid, open]
              config: {severity: ${severity}}
`,
    ...extraModels,
  });
}

describe('build', () => {
  it('runs seeds, models and tests in one DAG; each node’s tests run after it and before its children', async () => {
    const { p, project: proj } = project('warn');
    const r = await proj.build({ threads: 4 });
    expect(statuses(r)).toEqual({
      raw_orders: 'success',
      not_null_raw_orders_id: 'pass',
      stg_orders: 'success',
      not_null_stg_orders_id: 'pass',
      accepted_values_stg_orders_status__paid__open: 'warn',
      orders_by_status: 'success',
      report: 'success',
      unrelated: 'success',
    });
    expect(r.success).toBe(true);
    const ev = p.events;
    expect(ev.find((e) => e.type === 'run_started')).toMatchObject({ command: 'build', total: 8, counts: { seed: 1, model: 4, test: 3 } });
    // seed → its test → model → its tests → children
    expect(finished(ev, 'raw_orders')).toBeLessThan(started(ev, 'not_null_raw_orders_id'));
    expect(finished(ev, 'not_null_raw_orders_id')).toBeLessThan(started(ev, 'stg_orders'));
    expect(finished(ev, 'stg_orders')).toBeLessThan(started(ev, 'accepted_values_stg_orders_status__paid__open'));
    for (const t of ['not_null_stg_orders_id', 'accepted_values_stg_orders_status__paid__open']) expect(finished(ev, t)).toBeLessThan(started(ev, 'orders_by_status'));
    expect(finished(ev, 'orders_by_status')).toBeLessThan(started(ev, 'report'));
    const av = r.results.find((x) => x.node.name === 'accepted_values_stg_orders_status__paid__open')!;
    expect(av.failures).toBe(1);
    expect(await queryRows(proj, `SELECT total FROM ${p.schema}.report`)).toEqual([{ total: '4' }]);
  });

  it('an error-severity test failure skips the tested model’s descendants but not unrelated nodes', async () => {
    const { p, project: proj } = project('error');
    const r = await proj.build({ threads: 4 });
    expect(statuses(r)).toEqual({
      raw_orders: 'success',
      not_null_raw_orders_id: 'pass',
      stg_orders: 'success',
      not_null_stg_orders_id: 'pass',
      accepted_values_stg_orders_status__paid__open: 'fail',
      orders_by_status: 'skipped',
      report: 'skipped',
      unrelated: 'success',
    });
    expect(r.success).toBe(false);
    const byName = Object.fromEntries(r.results.map((x) => [x.node.name, x]));
    // The message names the failing test, not the batch it ran in.
    expect(byName.orders_by_status!.message).toBe(`skipped because ${byName.accepted_values_stg_orders_status__paid__open!.uniqueId} did not succeed`);
    expect(byName.report!.message).toBe(`skipped because ${byName.accepted_values_stg_orders_status__paid__open!.uniqueId} did not succeed`);
    expect(await queryRows(proj, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([
      { name: 'raw_orders' },
      { name: 'stg_orders' },
      { name: 'unrelated' },
    ]);
  });

  it('a warn-severity failure blocks descendants under warnError', async () => {
    const { project: proj } = project('warn');
    const r = await proj.build({ warnError: true });
    expect(statuses(r)).toMatchObject({ accepted_values_stg_orders_status__paid__open: 'fail', orders_by_status: 'skipped', report: 'skipped', unrelated: 'success' });
  });

  it('a failing relationships test gates only nodes downstream of both its parents', async () => {
    const { project: proj } = setup({
      'models/customers.sql': "{{ config(materialized='table') }}\nselect toUInt32(number + 1) as id from numbers(2)",
      'models/orders.sql': "{{ config(materialized='table') }}\nselect id as order_id, id + 1 as customer_id from {{ ref('customers') }}",
      'models/customer_summary.sql': "select count() as n from {{ ref('customers') }}",
      'models/order_report.sql': "select count() as n from {{ ref('orders') }}",
      'models/schema.yml': `version: 2
models:
  - name: orders
    columns:
      - name: customer_id
        tests:
          - relationships: {to: "ref('customers')", field: id}
`,
    });
    const r = await proj.build({ threads: 2 });
    expect(statuses(r)).toEqual({
      customers: 'success',
      orders: 'success',
      relationships_orders_customer_id__id__ref_customers_: 'fail',
      customer_summary: 'success',
      order_report: 'skipped',
    });
    expect(r.results.find((x) => x.node.name.startsWith('relationships_'))!.failures).toBe(1);
  });

  it('gives the same statuses with batchTests off', async () => {
    const { project: proj } = project('error');
    const r = await proj.build({ threads: 1, batchTests: false });
    expect(statuses(r)).toMatchObject({ accepted_values_stg_orders_status__paid__open: 'fail', orders_by_status: 'skipped', report: 'skipped', unrelated: 'success' });
  });

  it('a failing seed skips its tests and everything built on it', async () => {
    const { project: proj } = setup({
      'seeds/bad.csv': 'a,b\n1,2\n3,4,5\n',
      'models/m.sql': "select * from {{ ref('bad') }}",
      'models/schema.yml': 'version: 2\nseeds:\n  - name: bad\n    columns:\n      - name: a\n        tests: [not_null]\n',
    });
    const r = await proj.build();
    expect(statuses(r)).toEqual({ bad: 'error', not_null_bad_a: 'skipped', m: 'skipped' });
    expect(r.results.find((x) => x.node.name === 'bad')!.message).toBe('Seed bad: line 3 has 3 values, the header has 2');
  });

  it('test, run and seed commands run only their own resource types', async () => {
    const { project: proj } = project('warn');
    expect(statuses(await proj.seed())).toEqual({ raw_orders: 'success' });
    expect(Object.keys(statuses(await proj.run())).sort()).toEqual(['orders_by_status', 'report', 'stg_orders', 'unrelated']);
    expect(statuses(await proj.test())).toEqual({ not_null_raw_orders_id: 'pass', not_null_stg_orders_id: 'pass', accepted_values_stg_orders_status__paid__open: 'warn' });
  });
});
