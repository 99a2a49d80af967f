import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult, TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';

let p: InlineProject;
let project: TsdbtProject;

beforeAll(() => {
  p = inlineProject({
    'seeds/people.csv': [
      'id,name,score,joined,active,ts,big,qty,note',
      '1,Ann,1.5,2024-01-02,true,2024-01-02 03:04:05,3000000000,,',
      '2,"Bo, ""Jr""",2,2024-02-03,false,2024-02-03 00:00:00,1,4,hi',
      '3,Cy,-0.25,2024-03-04,TRUE,2024-03-04 12:00:00,-5,5,',
    ].join('\n') + '\n',
    'seeds/typed.csv': 'code,amount,day\n007,1.10,2024-01-01\n010,2.25,2024-01-02\n',
    'models/schema.yml': `version: 2
seeds:
  - name: typed
    config:
      column_types: {code: String, amount: "Decimal(10, 2)", day: String}
sources:
  - name: ext
    schema: "{{ target.schema }}"
    tables:
      - name: events
        external:
          location: "{{ 'data' }}/events.csv"
          format: CSVWithNames
        columns:
          - {name: id, data_type: UInt32}
          - {name: label, data_type: "Nullable(String)"}
          - {name: value, data_type: "Nullable(Float64)"}
          - {name: day, data_type: Date}
      - name: plain
`,
    'data/events.csv': 'id,label,value,day\n1,a,1.5,2024-01-01\n2,,,2024-01-02\n3,"c,d",3,2024-01-03\n',
    'models/nums.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(10)",
    'models/from_ext.sql': "select count() as c from {{ source('ext', 'events') }}",
    'macros/ops.sql': `{% macro make_table(name) %}
{% do run_query('create table ' ~ target.schema ~ '.' ~ name ~ ' (x UInt8) engine = MergeTree order by x') %}
{% do run_query('insert into ' ~ target.schema ~ '.' ~ name ~ ' values (7), (8)') %}
{% set r = run_query('select sum(x) as s from ' ~ target.schema ~ '.' ~ name) %}
{{ return(r.columns[0].values()[0]) }}
{% endmacro %}

{% macro greet(who='world') %}hello {{ who }}{% endmacro %}

{% macro count_nums() %}
{% set r = run_query('select count() from ' ~ ref('nums')) %}
{{ return(r.rows[0][0]) }}
{% endmacro %}
`,
  });
  project = p.open();
});

afterAll(async () => {
  await project?.close();
  p?.cleanup();
});

const columns = (table: string) =>
  queryRows(project, `SELECT name, type FROM system.columns WHERE database = '${p.schema}' AND table = '${table}' ORDER BY position`);

// Each describe block sets up what its tests read, so the tests pass in any order (vitest --sequence.shuffle).
describe('seed', () => {
  let seeded: RunResult;
  beforeAll(async () => {
    seeded = await project.seed();
  });

  it('infers column types, Nullable when a value is empty', async () => {
    const r = seeded;
    expect(statuses(r)).toEqual({ people: 'success', typed: 'success' });
    expect(r.results.find((x) => x.node.name === 'people')).toMatchObject({ message: 'INSERT 3', rowsAffected: 3 });
    expect(await columns('people')).toEqual([
      { name: 'id', type: 'Int32' },
      { name: 'name', type: 'String' },
      { name: 'score', type: 'Float64' },
      { name: 'joined', type: 'Date' },
      { name: 'active', type: 'Bool' },
      { name: 'ts', type: 'DateTime' },
      { name: 'big', type: 'Int64' },
      { name: 'qty', type: 'Nullable(Int32)' },
      { name: 'note', type: 'Nullable(String)' },
    ]);
    expect(await queryRows(project, `SELECT id, name, score, toString(joined) AS joined, active, toString(ts) AS ts, big, qty, note FROM ${p.schema}.people ORDER BY id`)).toEqual([
      { id: 1, name: 'Ann', score: 1.5, joined: '2024-01-02', active: true, ts: '2024-01-02 03:04:05', big: '3000000000', qty: null, note: null },
      { id: 2, name: 'Bo, "Jr"', score: 2, joined: '2024-02-03', active: false, ts: '2024-02-03 00:00:00', big: '1', qty: 4, note: 'hi' },
      { id: 3, name: 'Cy', score: -0.25, joined: '2024-03-04', active: true, ts: '2024-03-04 12:00:00', big: '-5', qty: 5, note: null },
    ]);
  });

  it('column_types overrides inference and keeps leading zeros', async () => {
    expect(await columns('typed')).toEqual([
      { name: 'code', type: 'String' },
      { name: 'amount', type: 'Decimal(10, 2)' },
      { name: 'day', type: 'String' },
    ]);
    expect(await queryRows(project, `SELECT code, toString(amount) AS amount, day FROM ${p.schema}.typed ORDER BY code`)).toEqual([
      { code: '007', amount: '1.1', day: '2024-01-01' },
      { code: '010', amount: '2.25', day: '2024-01-02' },
    ]);
  });

  it('seeding again replaces the contents', async () => {
    // a project of its own: the other tests read this file's `typed`
    const other = inlineProject({ 'seeds/typed.csv': 'code,amount,day\n007,1.10,2024-01-01\n' });
    const first = other.open();
    try {
      expect(statuses(await first.seed())).toEqual({ typed: 'success' });
    } finally {
      await first.close();
    }
    other.write({ 'seeds/typed.csv': 'code,amount,day\n999,9.99,2025-05-05\n' });
    const again = other.open();
    try {
      const r = await again.seed({ select: ['typed'] });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'INSERT 1' });
      expect(await queryRows(again, `SELECT code FROM ${other.schema}.typed`)).toEqual([{ code: 999 }]);
      expect(await queryRows(again, `SELECT name FROM system.tables WHERE database = '${other.schema}' AND name LIKE 'typed%'`)).toEqual([{ name: 'typed' }]);
    } finally {
      await again.close();
      other.cleanup();
    }
  });
});

describe('show', () => {
  beforeAll(async () => {
    expect(statuses(await project.run({ select: ['nums'] }))).toEqual({ nums: 'success' });
  });

  it('previews a model with the default limit of 5', async () => {
    expect(await project.show({ select: 'nums' })).toEqual(['0', '1', '2', '3', '4'].map((n) => ({ n })));
  });

  it('honours limit, and -1 means all rows', async () => {
    expect(await project.show({ select: 'nums', limit: 2 })).toHaveLength(2);
    expect(await project.show({ select: 'nums', limit: -1 })).toHaveLength(10);
  });

  it('runs inline SQL with refs', async () => {
    expect(await project.show({ inline: "select sum(n) as s from {{ ref('nums') }}" })).toEqual([{ s: '45' }]);
    expect(await project.show({ inline: "select n from {{ ref('nums') }} order by n desc", limit: 3 })).toEqual([{ n: '9' }, { n: '8' }, { n: '7' }]);
  });

  it('rejects an unknown ref and a selection that is not exactly one node', async () => {
    expect(() => project.compileInline("select * from {{ ref('nope') }}")).toThrow("ref('nope') in --inline does not name a model or seed");
    await expect(project.show({ select: 'nope_*' })).rejects.toThrow(/picks 0 nodes/);
  });
});

describe('run-operation', () => {
  beforeAll(async () => {
    // the target database and `nums`, which count_nums reads
    expect(statuses(await project.run({ select: ['nums'] }))).toEqual({ nums: 'success' });
  });

  it('runs run_query statements and returns the value given to return()', async () => {
    expect(await project.runOperation('make_table', { name: 'made' })).toBe('15');
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.made ORDER BY x`)).toEqual([{ x: 7 }, { x: 8 }]);
  });

  it('returns the macro’s output, with defaults and arguments', async () => {
    expect(await project.runOperation('greet')).toBe('hello world');
    expect(await project.runOperation('greet', { who: 'tsdbt' })).toBe('hello tsdbt');
  });

  it('resolves ref() against the warehouse', async () => {
    expect(await project.runOperation('count_nums')).toBe('10');
  });

  it('an unknown macro is a project error', async () => {
    await expect(project.runOperation('nope')).rejects.toThrow("dbt could not find a macro with the name 'nope' in any package");
  });
});

describe('source load', () => {
  const EVENTS = 'id,label,value,day\n1,a,1.5,2024-01-01\n2,,,2024-01-02\n3,"c,d",3,2024-01-03\n';

  it('loads an external CSV into a typed table; an empty Nullable value is NULL', async () => {
    p.write({ 'data/events.csv': EVENTS });
    const r = await project.sourceLoad();
    expect(statuses(r)).toEqual({ events: 'success' });
    expect(r.results[0]).toMatchObject({ message: 'INSERT 3', rowsAffected: 3 });
    expect(await columns('events')).toEqual([
      { name: 'id', type: 'UInt32' },
      { name: 'label', type: 'Nullable(String)' },
      { name: 'value', type: 'Nullable(Float64)' },
      { name: 'day', type: 'Date' },
    ]);
    expect(await queryRows(project, `SELECT id, label, value, toString(day) AS day FROM ${p.schema}.events ORDER BY id`)).toEqual([
      { id: 1, label: 'a', value: 1.5, day: '2024-01-01' },
      { id: 2, label: null, value: null, day: '2024-01-02' },
      { id: 3, label: 'c,d', value: 3, day: '2024-01-03' },
    ]);
    expect(statuses(await project.run({ select: ['from_ext'] }))).toEqual({ from_ext: 'success' });
    expect(await queryRows(project, `SELECT c FROM ${p.schema}.from_ext`)).toEqual([{ c: '3' }]);
  });

  it('loading again replaces the rows', async () => {
    p.write({ 'data/events.csv': EVENTS });
    expect(statuses(await project.sourceLoad())).toEqual({ events: 'success' });
    p.write({ 'data/events.csv': 'id,label,value,day\n9,z,,2025-01-01\n' });
    const r = await project.sourceLoad();
    expect(r.results[0]).toMatchObject({ status: 'success', rowsAffected: 1 });
    expect(await queryRows(project, `SELECT id, value FROM ${p.schema}.events`)).toEqual([{ id: 9, value: null }]);
  });

  it('a missing file is an error naming the path', async () => {
    p.remove('data/events.csv');
    const r = await project.sourceLoad();
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toBe(`Source ext.events: file not found: ${p.dir}/data/events.csv`);
    expect(r.success).toBe(false);
  });
});
