import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, statusByName, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter store_test_failures_tests/: test_store_test_failures.py (BaseStoreTestFailures,
 * BaseStoreTestFailuresLimit) and basic.py (StoreTestFailuresAs* — store_failures vs
 * store_failures_as at model and project level). Failing rows land in `<schema>_<suffix>` (dbt's
 * audit schema, `dbt_test__audit` unless the tests' +schema says otherwise), named after the test.
 */
const PEOPLE = `id,first_name,last_name,email,gender,ip_address
1,Jack,Hunter,jhunter0@pbs.org,Male,59.80.20.168
2,Kathryn,Walker,kwalker1@ezinearticles.com,Female,194.121.179.35
3,Gerald,Ryan,gryan2@com.com,Male,11.3.212.243
4,Bonnie,Spencer,bspencer3@ameblo.jp,Female,216.32.196.175
5,Harold,Taylor,htaylor4@people.com.cn,Male,253.10.246.136
6,Jacqueline,Griffin,jgriffin5@t.co,Female,16.13.192.220
7,Wanda,Arnold,warnold6@google.nl,Female,232.116.150.64
8,Craig,Ortiz,cortiz7@sciencedaily.com,Male,199.126.106.13
9,Gary,Day,gday8@nih.gov,Male,35.81.68.186
10,Rose,Wright,rwright9@yahoo.co.jp,Female,236.82.178.100
`;
const rowsOf = async (p: DbtProject, relation: string) => {
  const rows = await p.query<Record<string, unknown>>(`select * from ${relation}`);
  return rows.map((r) => Object.values(r).map((v) => (v === null ? null : String(v)))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
};

describe('store_failures (dbt-tests-adapter store_test_failures_tests/test_store_test_failures.py)', () => {
  it('BaseStoreTestFailures: one test with store_failures, then --store-failures for all, idempotently', async () => {
    const p = dbtProject({
      projectConfig: 'seeds:\n  quote_columns: false\n  test:\n    expected_unique_problematic_model_id:\n      +column_types: {n_records: Int64}\n    expected_accepted_values:\n      +column_types: {n_records: Int64}\ndata_tests:\n  +schema: dbt_test__aud\n',
      seeds: {
        'people.csv': PEOPLE,
        'expected_accepted_values.csv': 'value_field,n_records\nGary,1\nRose,1\n',
        'expected_failing_test.csv': PEOPLE,
        'expected_not_null_problematic_model_id.csv': `id,first_name,last_name,email,gender,ip_address\n,Gerald,Ryan,gryan2@com.com,Male,11.3.212.243\n,Bonnie,Spencer,bspencer3@ameblo.jp,Female,216.32.196.175\n`,
        'expected_unique_problematic_model_id.csv': 'unique_field,n_records\n2,2\n1,2\n',
      },
      tests: { 'failing_test.sql': "select * from {{ ref('fine_model') }}\n", 'passing_test.sql': "select * from {{ ref('fine_model') }}\nwhere false\n" },
      models: {
        'fine_model.sql': "select * from {{ ref('people') }}\n",
        'fine_model_but_with_a_no_good_very_long_name.sql': 'select 1 as quite_long_column_name\n',
        'problematic_model.sql': `select * from {{ ref('people') }}
union all
select * from {{ ref('people') }}
where id in (1,2)
union all
select null as id, first_name, last_name, email, gender, ip_address from {{ ref('people') }}
where id in (3,4)
`,
        'schema.yml': `version: 2
models:
  - name: fine_model
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
  - name: problematic_model
    columns:
      - name: id
        data_tests:
          - unique:
              store_failures: true
          - not_null
      - name: first_name
        data_tests:
          - accepted_values:
              values: [Jack, Kathryn, Gerald, Bonnie, Harold, Jacqueline, Wanda, Craig]
  - name: fine_model_but_with_a_no_good_very_long_name
    columns:
      - name: quite_long_column_name
        data_tests:
          - unique
`,
      },
    });
    const audit = `${p.schema}_dbt_test__aud`;
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await p.dbt(['test'], { expectPass: false });
    expect(await rowsOf(p, `${audit}.unique_problematic_model_id`)).toEqual(await rowsOf(p, '{schema}.expected_unique_problematic_model_id'));

    await p.dbt(['test', '--store-failures'], { expectPass: false });
    const again = await p.dbt(['test', '--store-failures'], { expectPass: false });
    // As upstream: not_null_problematic_model_id fails with 2 rows. ClickHouse alone resolved `id` in
    // `select null as id, … where id in (3,4)` to the alias (NULL): under dbt_semantics the WHERE reads
    // the input's column, as SQL (prefer_column_name_to_alias for that query).
    expect(again.results.map((r) => [r.status, r.failures]).sort(), again.results.map((r) => `${r.unique_id} ${r.status} ${r.failures} ${r.message}`).join("\n")).toEqual([['fail', 10], ['fail', 2], ['fail', 2], ['fail', 2], ['pass', 0], ['pass', 0], ['pass', 0], ['pass', 0]]);
    expect(await rowsOf(p, `${audit}.failing_test`)).toEqual(await rowsOf(p, '{schema}.expected_failing_test'));
    expect(await rowsOf(p, `${audit}.not_null_problematic_model_id`)).toEqual(await rowsOf(p, '{schema}.expected_not_null_problematic_model_id'));
    expect(await rowsOf(p, `${audit}.unique_problematic_model_id`)).toEqual(await rowsOf(p, '{schema}.expected_unique_problematic_model_id'));
    // dbt truncates a long test name to 30 characters + its md5 (dbt's get_truncated_test_name).
    expect(await rowsOf(p, `${audit}.accepted_values_problematic_mo_c533ab4ca65c1a9dbf14f79ded49b628`)).toEqual(await rowsOf(p, '{schema}.expected_accepted_values'));
    await p.query(`drop database if exists ${audit}`);
  });

  it('BaseStoreTestFailuresLimit: the stored failures obey the test limit', async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE },
      models: {
        '_seeds.yml': `seeds:
  - name: people
    columns:
      - name: first_name
        tests:
          - accepted_values:
              values: ["Gary"]
              config:
                store_failures_as: table
                limit: 4
`,
      },
    });
    await p.dbt(['seed']);
    const r = await p.dbt(['test'], { expectPass: false });
    expect(r.results[0]!.failures).toBe(4);
    // The relation holding the failures (upstream: the result node's relation_name).
    const relation = (r.results[0] as { relation_name?: string }).relation_name!;
    expect(await p.query(`select count(*) as cnt from ${relation}`)).toEqual([{ cnt: '4' }]);
    await p.query(`drop database if exists ${p.schema}_dbt_test__audit`);
  });
});

const CHIPMUNKS = { seeds: { 'chipmunks_stage.csv': 'name,shirt\nalvin,red\nsimon,blue\ntheodore,green\ndave,' }, model: "{{ config(materialized='table') }}\nselect *\nfrom {{ ref('chipmunks_stage') }}\n" };
const chipTest = (config: string | undefined, shirt = 'green') => `${config ? `{{ config(${config}) }}\n` : ''}select *\nfrom {{ ref('chipmunks') }}\nwhere shirt = '${shirt}'\n`;
const cfg = (as?: string, store?: boolean) => [as ? `store_failures_as="${as}"` : '', store === undefined ? '' : `store_failures=${store ? 'True' : 'False'}`].filter(Boolean).join(', ') || undefined;

/** run_and_assert of basic.py: statuses, and the kind of relation each test's failures are in (undefined: none). */
async function runAndAssert(p: DbtProject, expected: Record<string, [string, 'view' | 'table' | undefined]>) {
  await p.dbt(['seed']);
  await p.dbt(['run']);
  const r = await p.dbt(['test'], { expectPass: false });
  const names = statusByName(r.results);
  const byName = Object.fromEntries(Object.entries(names).map(([k, v]) => [k.replace(/\.[0-9a-f]{10}$/, ''), v]));
  expect(byName).toEqual(Object.fromEntries(Object.entries(expected).map(([k, [s]]) => [k, s])));
  const audit = `${p.schema}_dbt_test__audit`;
  const rels = await p.query<{ name: string; engine: string }>(`select name, engine from system.tables where database = '${audit}'`);
  const kinds = Object.fromEntries(Object.keys(expected).map((n) => [n, rels.find((x) => x.name === n) ? (rels.find((x) => x.name === n)!.engine === 'View' ? 'view' : 'table') : undefined]));
  expect(kinds).toEqual(Object.fromEntries(Object.entries(expected).map(([k, [, t]]) => [k, t])));
  await p.query(`drop database if exists ${audit}`);
}

describe('store_failures_as (dbt-tests-adapter store_test_failures_tests/basic.py)', () => {
  it('StoreTestFailuresAsInteractions: store_failures_as wins over store_failures at the model level', async () => {
    const tests: Record<string, string> = { 'view_unset_pass.sql': chipTest(cfg('view'), 'purple') };
    const expected: Record<string, [string, 'view' | 'table' | undefined]> = { view_unset_pass: ['pass', 'view'] };
    for (const as of ['view', 'table', 'ephemeral', undefined])
      for (const store of [true, false, undefined]) {
        const name = `${as ?? 'unset'}_${store === undefined ? 'unset' : String(store)}`;
        tests[`${name}.sql`] = chipTest(cfg(as, store));
        expected[name] = ['fail', as === 'view' || as === 'table' ? as : as === undefined && store === true ? 'table' : undefined];
      }
    await runAndAssert(dbtProject({ seeds: CHIPMUNKS.seeds, models: { 'chipmunks.sql': CHIPMUNKS.model }, tests }), expected);
  });

  it.each([
    ['StoreTestFailuresAsProjectLevelOff', 'data_tests:\n  store_failures: false\n', { results_view: ['view'], results_table: ['table'], results_ephemeral: ['ephemeral'], results_unset: [] }, { results_view: 'view', results_table: 'table', results_ephemeral: undefined, results_unset: undefined }],
    ['StoreTestFailuresAsProjectLevelView', 'data_tests:\n  store_failures_as: view\n', { results_true: ['view', true], results_false: ['view', false], results_unset: ['view'] }, { results_true: 'view', results_false: 'view', results_unset: 'view' }],
    ['StoreTestFailuresAsProjectLevelEphemeral', 'data_tests:\n  store_failures_as: ephemeral\n  store_failures: true\n', { results_unset: [], results_true: [undefined, true], results_view: ['view'] }, { results_unset: undefined, results_true: undefined, results_view: 'view' }],
  ] as const)('%s', async (_name, projectConfig, configs, kinds) => {
    const tests = Object.fromEntries(Object.entries(configs).map(([n, c]) => [`${n}.sql`, chipTest(cfg(...(c as [string?, boolean?])))]));
    const expected = Object.fromEntries(Object.entries(kinds).map(([n, k]) => [n, ['fail', k]])) as Record<string, [string, 'view' | 'table' | undefined]>;
    await runAndAssert(dbtProject({ seeds: CHIPMUNKS.seeds, models: { 'chipmunks.sql': CHIPMUNKS.model }, tests, projectConfig }), expected);
  });

  it('StoreTestFailuresAsGeneric: store_failures_as on generic tests in YAML', async () => {
    const p = dbtProject({
      seeds: CHIPMUNKS.seeds,
      models: {
        'chipmunks.sql': CHIPMUNKS.model,
        'schema.yml': `version: 2
models:
  - name: chipmunks
    columns:
      - name: name
        data_tests:
          - not_null:
              store_failures_as: view
          - accepted_values:
              store_failures: false
              store_failures_as: table
              values:
                - alvin
                - simon
                - theodore
      - name: shirt
        data_tests:
          - not_null:
              store_failures: true
              store_failures_as: view
`,
      },
    });
    await runAndAssert(p, {
      not_null_chipmunks_name: ['pass', 'view'],
      accepted_values_chipmunks_name__alvin__simon__theodore: ['fail', 'table'],
      not_null_chipmunks_shirt: ['fail', 'view'],
    });
  });

  it("StoreTestFailuresAsExceptions: store_failures_as='error' is a Compilation Error listing the accepted values", async () => {
    const p = dbtProject({ seeds: CHIPMUNKS.seeds, models: { 'chipmunks.sql': CHIPMUNKS.model }, tests: { 'store_failures_as_error.sql': chipTest('store_failures_as="error"') } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    const r = await p.dbt(['test'], { expectPass: false });
    const text = `${r.results[0]?.message ?? ''}\n${r.out.join('\n')}`;
    expect(text).toContain('Compilation Error');
    expect(text).toContain("'error' is not a valid value");
    expect(text).toContain("Accepted values are: ['ephemeral', 'table', 'view']");
  });
});
