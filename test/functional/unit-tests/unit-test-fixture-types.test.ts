import { describe, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

/*
 * A unit test's given rows are typed as the input holds them (dbt: the input relation's columns). A seed not loaded
 * yet is typed by its column_types, which under dbt_semantics mean what a cast to them gives — date Date32, numeric
 * Decimal(76, 10), timestamp DateTime64(0) — as the loaded seed holds them (seed-loader.ts): the raw names were
 * ClickHouse's Date (1960-05-01 read as 1970-01-01), Decimal(10, 0) (0.29 read as 0) and DateTime.
 */
const setup = openedPerTest();

const FILES = {
  'seeds/people.csv': 'id,born,paid,at\n1,1960-05-01,0.29,1950-01-01 10:00:00\n',
  'seeds/people.yml': 'version: 2\nseeds:\n  - name: people\n    config:\n      column_types: {born: date, paid: numeric, at: timestamp}\n',
  'models/m.sql':
    "select id, born, paid * 2 as paid2, at, born < cast('1970-01-01' as date) as before_epoch, toTypeName(born) as tb, toTypeName(paid) as tp, toTypeName(at) as tt from {{ ref('people') }}",
  'models/u.yml': `version: 2
unit_tests:
  - name: typed_like_the_seed
    model: m
    given:
      - input: ref('people')
        rows: [{id: 1, born: '1960-05-01', paid: 0.29, at: '1950-01-01 10:00:00'}]
    expect:
      rows: [{id: 1, born: '1960-05-01', paid2: 0.58, at: '1950-01-01 10:00:00', before_epoch: true, tb: 'Date32', tp: 'Decimal(76, 10)', tt: 'DateTime64(0)'}]
`,
};

describe("unit test fixtures typed as the input holds them under dbt_semantics", () => {
  it("a seed not loaded: its column_types date / numeric / timestamp as the loaded seed holds them", async () => {
    const { project: p } = setup(FILES);
    expectStatuses(await p.test(), { typed_like_the_seed: 'pass' });
  });

  it('the seed loaded (typed by its table): the same answer', async () => {
    const { project: p } = setup(FILES);
    await p.seed();
    expectStatuses(await p.test(), { typed_like_the_seed: 'pass' });
  });
});
