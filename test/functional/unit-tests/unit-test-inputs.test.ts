import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

const setup = openedPerTest();

describe('unit test inputs and targets', () => {
  it("reads a seed's rows from its CSV file when a dict input gives none (dbt's rule), and mocks an ephemeral model", async () => {
    const { project: p } = setup({
      'seeds/countries.csv': 'code,name\nfr,France\nde,Germany\n',
      'models/eph.sql': "{{ config(materialized='ephemeral') }} select toInt32(1) as id, 'fr' as code",
      'models/m.sql': "select e.id as id, c.name as country from {{ ref('eph') }} e join {{ ref('countries') }} c on c.code = e.code",
      'models/u.yml': `version: 2
unit_tests:
  - name: seed_and_ephemeral
    model: m
    given:
      - input: ref('countries')
      - input: ref('eph')
        rows: [{id: 1, code: de}, {id: 2, code: fr}, {id: 3, code: xx}]
    expect:
      rows: [{id: 1, country: Germany}, {id: 2, country: France}]
`,
    });
    expectStatuses(await p.test(), { seed_and_ephemeral: 'pass' });
  });

  it('runs a unit test of a versioned model on every version, or those of versions: include', async () => {
    const versioned = (versions: string) => ({
      'models/src.sql': 'select toInt32(1) as id',
      'models/dim_v1.sql': "select id from {{ ref('src') }}",
      'models/dim_v2.sql': "select id * 2 as id from {{ ref('src') }}",
      'models/schema.yml': `version: 2
models:
  - name: dim
    latest_version: 2
    versions: [{v: 1}, {v: 2}]
unit_tests:
  - name: doubles
    model: dim
${versions}    given:
      - input: ref('src')
        rows: [{id: 1}]
    expect:
      rows: [{id: 2}]
`,
    });
    const all = setup(versioned('')).project;
    expect([...all.manifest.nodes.keys()].filter((k) => k.startsWith('unit_test.')).sort()).toEqual(['unit_test.proj.dim.doubles_v1', 'unit_test.proj.dim.doubles_v2']);
    expectStatuses(await all.test(), { doubles_v1: 'fail', doubles_v2: 'pass' });
    const only2 = setup(versioned('    versions: {include: [2]}\n')).project;
    expectStatuses(await only2.test(), { doubles_v2: 'pass' });
  });

  it("takes the project file's unit_tests: config (+enabled, +tags) by model folder", async () => {
    const { project: p } = setup({
      'project.yml': 'name: proj\nprofile: proj\nunit_tests:\n  proj:\n    +tags: [ut]\n    off:\n      +enabled: false\n',
      'models/a.sql': 'select toInt32(1) as id',
      'models/off/b.sql': "select id from {{ ref('a') }}",
      'models/m.sql': "select id from {{ ref('a') }}",
      'models/u.yml': `version: 2
unit_tests:
  - name: on_test
    model: m
    given: [{input: "ref('a')", rows: [{id: 1}]}]
    expect: {rows: [{id: 1}]}
`,
      'models/off/u.yml': `version: 2
unit_tests:
  - name: off_test
    model: b
    given: [{input: "ref('a')", rows: [{id: 1}]}]
    expect: {rows: [{id: 1}]}
`,
    });
    expect([...p.manifest.nodes.values()].filter((n) => n.resourceType === 'unit_test').map((n) => [n.name, n.tags])).toEqual([['on_test', ['ut']]]);
    expectStatuses(await p.test({ select: ['tag:ut'] }), { on_test: 'pass' });
  });
});
