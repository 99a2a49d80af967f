import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/** A model over a source and a ref, as a unit test sees them. */
const project = (unitTests: string, extra: Record<string, string> = {}) => ({
  'models/stg_orders.sql': "select toInt32(1) as id, toInt32(10) as customer_id, 'shipped' as status, toDecimal64(5, 2) as amount",
  'models/customers.sql': "select toInt32(10) as id, 'ann' as name",
  'models/order_totals.sql': `select c.name as name, count() as orders, sum(o.amount) as total
from {{ ref('stg_orders') }} o
join {{ ref('customers') }} c on c.id = o.customer_id
where o.status != 'returned'
group by c.name`,
  'models/unit.yml': `version: 2\nunit_tests:\n${unitTests}`,
  ...extra,
});

const dictTest = (expectRows: string) => `  - name: totals_skip_returns
    description: returned orders are not counted
    model: order_totals
    given:
      - input: ref('stg_orders')
        rows:
          - {id: 1, customer_id: 10, status: shipped, amount: 5}
          - {id: 2, customer_id: 10, status: returned, amount: 7}
          - {id: 3, customer_id: 11, status: shipped, amount: 1.5}
      - input: ref('customers')
        rows:
          - {id: 10, name: ann}
          - {id: 11, name: bob}
    expect:
      rows:
${expectRows}`;

describe('unit tests (dbt 1.8 unit_tests:)', () => {
  it('loads unit tests from YAML as unit_test.<pkg>.<model>.<name> and passes when the rows match (dict format)', async () => {
    const { project: p } = setup(project(dictTest('        - {name: ann, orders: 1, total: 5}\n        - {name: bob, orders: 1, total: 1.5}')));
    const node = p.manifest.nodes.get('unit_test.proj.order_totals.totals_skip_returns');
    expect(node?.resourceType).toBe('unit_test');
    const result = await p.test();
    expectStatuses(result, { totals_skip_returns: 'pass' });
    // Nothing was built: the unit test read its fixtures only.
    expect(await queryRows(p, `SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'stg_orders'`)).toEqual([]);
  });

  it("fails with dbt's diff table when the model's rows differ from the expected rows", async () => {
    const { project: p } = setup(project(dictTest('        - {name: ann, orders: 2, total: 12}\n        - {name: bob, orders: 1, total: 1.5}')));
    const result = await p.test();
    expectStatuses(result, { totals_skip_returns: 'fail' });
    const r = result.results[0]!;
    expect(r.failures).toBe(1);
    expect(r.message).toBe(['actual differs from expected:', '', '@@,name,orders,total', '→ ,ann ,2→1   ,12→5', '  ,bob ,1     ,1.5'].join('\n'));
  });
});

describe('unit test fixture formats', () => {
  const model = {
    'models/src.sql': "select toInt32(1) as id, 'a' as name, toDate('2024-01-01') as day",
    'models/m.sql': "select id * 10 as id10, upper(name) as name_up, day from {{ ref('src') }} where id > 0",
  };

  it('reads csv rows inline (empty values are NULL) and compares csv expected rows', async () => {
    const { project: p } = setup({
      ...model,
      'models/u.yml': `version: 2
unit_tests:
  - name: csv_inline
    model: m
    given:
      - input: ref('src')
        format: csv
        rows: |
          id,name,day
          1,x,2024-02-03
          -1,y,2024-02-04
          2,,2024-02-05
    expect:
      format: csv
      rows: |
        id10,name_up,day
        10,X,2024-02-03
        20,,2024-02-05
`,
    });
    expectStatuses(await p.test(), { csv_inline: 'pass' });
  });

  it('reads csv and sql fixture files from tests/fixtures/ (and does not take them for singular tests)', async () => {
    const { project: p } = setup({
      ...model,
      'tests/fixtures/src_rows.csv': 'id,name,day\n1,x,2024-02-03\n3,z,2024-02-06\n',
      'tests/fixtures/m_expected.sql': "select 10 as id10, 'X' as name_up, toDate('2024-02-03') as day\nunion all\nselect 30, 'Z', toDate('2024-02-06')",
      'models/u.yml': `version: 2
unit_tests:
  - name: from_files
    model: m
    given:
      - input: ref('src')
        format: csv
        fixture: src_rows
    expect:
      format: sql
      fixture: m_expected
`,
    });
    expect([...p.manifest.nodes.values()].filter((n) => n.resourceType === 'test')).toEqual([]);
    expectStatuses(await p.test(), { from_files: 'pass' });
  });

  it('takes sql given rows as written, Jinja rendered', async () => {
    const { project: p } = setup({
      ...model,
      'models/u.yml': `version: 2
unit_tests:
  - name: sql_given
    model: m
    given:
      - input: ref('src')
        format: sql
        rows: |
          select {{ 2 + 2 }} as id, 'q' as name, toDate('2024-03-01') as day
    expect:
      rows:
        - {id10: 40, name_up: Q}
`,
    });
    expectStatuses(await p.test(), { sql_given: 'pass' });
  });

  it('compares only the columns of the first expected row, as dbt does', async () => {
    const { project: p } = setup({
      ...model,
      'models/u.yml': `version: 2
unit_tests:
  - name: some_columns
    model: m
    given:
      - input: ref('src')
        rows: [{id: 1, name: a}, {id: 2, name: b}]
    expect:
      rows: [{name_up: A}, {name_up: B}]
`,
    });
    expectStatuses(await p.test(), { some_columns: 'pass' });
  });
});

describe('unit test fixture typing on ClickHouse', () => {
  it('types fixtures from the built input; a NULL in a non-Nullable column works (the mocked input is Nullable)', async () => {
    const { project: p } = setup({
      'models/src.sql': "{{ config(materialized='table') }} select toInt32(1) as id, 'a' as name, toUInt8(3) as qty",
      'models/m.sql': "select id, ifNull(name, 'none') as name, toTypeName(qty) as qty_type, qty + 1 as next from {{ ref('src') }}",
      'models/u.yml': `version: 2
unit_tests:
  - name: nulls_and_missing
    model: m
    given:
      - input: ref('src')
        rows:
          - {id: 1, name: null, qty: 4}
          - {id: 2, name: b, qty: 250}
    expect:
      rows:
        - {id: 1, name: none, qty_type: UInt8, next: 5}
        - {id: 2, name: b, qty_type: UInt8, next: 251}
`,
    });
    // The input exists in the warehouse: its real column types (UInt8 wraps at 256) type the fixture.
    expectStatuses(await p.run({ select: ['src'] }), { src: 'success' });
    expectStatuses(await p.test(), { nulls_and_missing: 'pass' });
  });

  it('types a source that is not in the warehouse by its YAML data_types, and fills columns a fixture leaves out with NULL', async () => {
    const { project: p } = setup({
      'models/m.sql': "select id, day + 1 as next_day, name is null as no_name, toTypeName(id) as id_type from {{ source('raw', 'events') }}",
      'models/sources.yml': `version: 2
sources:
  - name: raw
    tables:
      - name: events
        columns:
          - name: id
            data_type: Int32
          - name: day
            data_type: Date
          - name: name
            data_type: String
`,
      'models/u.yml': `version: 2
unit_tests:
  - name: typed_by_yaml
    model: m
    given:
      - input: source('raw', 'events')
        rows: [{id: 7, day: 2024-02-28}]
    expect:
      rows: [{id: 7, next_day: 2024-02-29, no_name: true, id_type: Int32}]
`,
    });
    expectStatuses(await p.test(), { typed_by_yaml: 'pass' });
  });

  it('types a fixture by its values when nothing else says (whole numbers Int64, csv text recognised)', async () => {
    const { project: p } = setup({
      'models/m.sql': "select toTypeName(a) as a_type, toTypeName(b) as b_type, toTypeName(c) as c_type from {{ source('raw', 'events') }}",
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n',
      'models/u.yml': `version: 2
unit_tests:
  - name: typed_by_values
    model: m
    given:
      - input: source('raw', 'events')
        format: csv
        rows: |
          a,b,c
          1,2.5,x
          2,,y
    expect:
      rows: [{a_type: Int64, b_type: Nullable(Float64), c_type: String}, {a_type: Int64, b_type: Nullable(Float64), c_type: String}]
`,
    });
    expectStatuses(await p.test(), { typed_by_values: 'pass' });
  });

  it("names an unknown fixture column with dbt's message when the input's columns are known", async () => {
    const { project: p } = setup({
      'models/src.sql': "{{ config(materialized='table') }} select toInt32(1) as id",
      'models/m.sql': "select id from {{ ref('src') }}",
      'models/u.yml': `version: 2
unit_tests:
  - name: bad_column
    model: m
    given:
      - input: ref('src')
        rows: [{id: 1, idd: 2}]
    expect:
      rows: [{id: 1}]
`,
    });
    await p.run({ select: ['src'] });
    const r = (await p.test()).results[0]!;
    expect(r.status).toBe('error');
    expect(r.message).toContain("Invalid column name: 'idd' in unit test fixture for 'src'.\nAccepted columns for 'src' are: ['id']");
  });
});

describe('unit tests answer as the build does', () => {
  it("an outer join's non-matches are NULL in the unit test, as in the build (dbt_semantics: join_use_nulls)", async () => {
    const { project: p } = setup({
      'models/orders.sql': 'select toInt32(1) as id, toInt32(10) as customer_id',
      'models/customers.sql': "select toInt32(10) as id, 'ann' as name",
      'models/order_names.sql': `select o.id as id, c.name as name
from {{ ref('orders') }} o
left join {{ ref('customers') }} c on c.id = o.customer_id`,
      'models/unit.yml': `version: 2
unit_tests:
  - name: orphan_order_has_no_name
    model: order_names
    given:
      - input: ref('orders')
        rows:
          - {id: 1, customer_id: 10}
          - {id: 2, customer_id: 99}
      - input: ref('customers')
        rows:
          - {id: 10, name: ann}
    expect:
      rows:
        - {id: 1, name: ann}
        - {id: 2, name: null}
`,
    });
    expectStatuses(await p.test(), { orphan_order_has_no_name: 'pass' });
  });
});
