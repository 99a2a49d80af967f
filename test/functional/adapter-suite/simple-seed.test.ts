import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, statusByName, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter simple_seed/test_seed.py and test_seed_type_override.py (dbt-clickhouse does
 * not port them; ClickHouse types replace Postgres' in the expected table and the type checks).
 * Differences: dbt's `--full-refresh` seed drops the table CASCADE on Postgres, taking the
 * downstream view with it (the upstream `exists=False` checks): ClickHouse has no cascading drop,
 * the view stays and reads the reloaded seed — asserted here instead.
 */
const ROWS = [
  [1, 'Larry', 'lking0@miitbeian.gov.cn', '69.135.206.194', '2008-09-12 19:08:31'],
  [2, 'Larry', 'lperkins1@toplist.cz', '64.210.133.162', '1978-05-09 04:15:14'],
  [3, 'Anna', 'amontgomery2@miitbeian.gov.cn', '168.104.64.114', '2011-10-16 04:07:57'],
  [4, 'Sandra', 'sgeorge3@livejournal.com', '229.235.252.98', '1973-07-19 10:52:43'],
  [5, 'Fred', 'fwoods4@google.cn', '78.229.170.124', '2012-09-30 16:38:29'],
  [6, 'Stephen', 'shanson5@livejournal.com', '182.227.157.105', '1995-11-07 21:40:50'],
] as const;
const HEADER = 'seed_id,first_name,email,ip_address,birthday';
const csv = (sep = ',') => `${HEADER.replaceAll(',', sep)}\n${ROWS.map((r) => r.join(sep)).join('\n')}\n`;
/** seeds__expected_sql, in ClickHouse types (the seed's inferred ones: Int32, String, DateTime). */
async function createExpected(p: DbtProject) {
  await p.query('create database if not exists {schema}');
  await p.query('create table {schema}.seed_expected (seed_id Int32, first_name String, email String, ip_address String, birthday DateTime) engine = MergeTree order by tuple()');
  await p.query(`insert into {schema}.seed_expected values ${ROWS.map((r) => `(${r[0]}, '${r[1]}', '${r[2]}', '${r[3]}', '${r[4]}')`).join(', ')}`);
}
const exists = async (p: DbtProject, name: string, schema = p.schema) => (await p.query(`select 1 from system.tables where database = '${schema}' and name = '${name}'`)).length > 0;

function seedProject(config = '', seeds: Record<string, string> = { 'seed_actual.csv': csv() }, model = 'seed_actual') {
  return dbtProject({
    projectConfig: `seeds:\n  +quote_columns: false\n${config}`,
    seeds,
    models: { [`models__downstream_from_${model}.sql`]: `select * from {{ ref('${model}') }}\n` },
  });
}
async function buildRelations(p: DbtProject, seed = 'seed_actual') {
  await createExpected(p);
  expect((await p.dbt(['seed'])).results).toHaveLength(1);
  await expectRelationsEqual(p, ['seed_expected', seed]);
  expect((await p.dbt(['run'])).results).toHaveLength(1);
  await expectRelationsEqual(p, [`models__downstream_from_${seed}`, 'seed_expected']);
}

describe('seeds (dbt-tests-adapter simple_seed/test_seed.py)', () => {
  it('BaseBasicSeedTests: seed again replaces the rows; --full-refresh rebuilds the table', async () => {
    const p = seedProject();
    await buildRelations(p);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['seed_actual', 'seed_expected']);
    expect((await p.dbt(['seed', '--full-refresh'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['seed_actual', 'seed_expected']);
    // Postgres' DROP … CASCADE would drop the view; ClickHouse's does not, and it reads the new table.
    await expectRelationsEqual(p, ['models__downstream_from_seed_actual', 'seed_expected']);
  });

  it.each([true, false])('BaseSeedConfigFullRefresh(On|Off): full_refresh: %s in the config', async (fullRefresh) => {
    const p = seedProject(`  +full_refresh: ${fullRefresh}\n`);
    await buildRelations(p);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['seed_actual', 'seed_expected']);
    expect((await p.dbt(['seed', '--full-refresh'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['seed_actual', 'seed_expected']);
  });

  it('BaseSeedCustomSchema: a seed schema config lands in <target schema>_custom_schema', async () => {
    const p = seedProject('  +schema: custom_schema\n');
    await createExpected(p);
    for (const args of [['seed'], ['seed'], ['seed', '--full-refresh']]) {
      expect((await p.dbt(args)).results).toHaveLength(1);
      expect(await p.query(`select * from ${p.schema}_custom_schema.seed_actual order by seed_id`)).toEqual(await p.query('select * from {schema}.seed_expected order by seed_id'));
    }
    expect(await exists(p, 'seed_actual')).toBe(false);
    await p.query(`drop database if exists ${p.schema}_custom_schema`);
  });

  it('BaseSeedWithUniqueDelimiter: delimiter "|"', async () => {
    const p = seedProject('  +delimiter: "|"\n', { 'seed_pipe_separated.csv': csv('|') }, 'seed_pipe_separated');
    await buildRelations(p, 'seed_pipe_separated');
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['seed_pipe_separated', 'seed_expected']);
  });

  // BaseSeedWithWrongDelimiter expects a SQL syntax error: Postgres cannot create the unquoted
  // column `seed_id|first_name|…` that a ';' delimiter reads from a '|' file. ClickHouse (tsdbt
  // quotes seed columns) creates it: the seed loads as one column, which is what the CSV says.
  it('BaseSeedWithWrongDelimiter (ClickHouse): delimiter ";" on a "|" file loads one column named by the whole header', async () => {
    const p = seedProject('  +delimiter: ";"\n', { 'seed_pipe_separated.csv': csv('|') }, 'seed_pipe_separated');
    await p.dbt(['seed']);
    expect((await p.query<{ name: string }>("select name from system.columns where database = '{schema}' and table = 'seed_pipe_separated'")).map((c) => c.name)).toEqual([HEADER.replaceAll(',', '|')]);
  });

  it('BaseSeedWithEmptyDelimiter: an empty delimiter is a compilation error', async () => {
    const p = seedProject('  +delimiter: ""\n', { 'seed_pipe_separated.csv': csv('|') }, 'seed_pipe_separated');
    const r = await p.dbt(['seed'], { expectPass: false });
    expect(`${r.results[0]?.message ?? ''}${r.out.join('\n')}`.toLowerCase()).toContain('compilation error');
  });

  describe('BaseSimpleSeedEnabledViaConfig: enabled per seed in dbt_project.yml; --select / --exclude', () => {
    const project = () =>
      dbtProject({
        projectConfig: 'seeds:\n  test:\n    seed_enabled:\n      enabled: true\n    seed_disabled:\n      enabled: false\n  quote_columns: false\n',
        seeds: { 'seed_enabled.csv': csv(), 'seed_disabled.csv': csv(), 'seed_tricky.csv': TRICKY },
      });
    it.each([
      [[], { seed_enabled: true, seed_disabled: false, seed_tricky: true }],
      [['--select', 'seed_enabled'], { seed_enabled: true, seed_disabled: false, seed_tricky: false }],
      [['--exclude', 'seed_enabled'], { seed_enabled: false, seed_disabled: false, seed_tricky: true }],
    ])('seed %j', async (args, expected) => {
      const p = project();
      const r = await p.dbt(['seed', ...args]);
      expect(r.results).toHaveLength(Object.values(expected).filter(Boolean).length);
      for (const [name, there] of Object.entries(expected)) expect(await exists(p, name), name).toBe(there);
    });
  });

  it('BaseSeedParsing: run does not read seed files; a seed that does not parse fails only dbt seed', async () => {
    const p = dbtProject({
      projectConfig: 'seeds:\n  +quote_columns: false\n',
      seeds: { 'seed.csv': 'a,b,c\n1,7,23,90,5\n2\n' },
      models: { 'model.sql': 'select * from {{ this.schema }}.seed_expected\n' },
    });
    await createExpected(p);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    await p.dbt(['seed'], { expectPass: false });
  });

  it('BaseSimpleSeedWithBOM: a UTF-8 byte order mark is not part of the first column name', async () => {
    const p = seedProject('', {}, 'seed_bom');
    mkdirSync(join(p.dir, 'seeds'), { recursive: true });
    writeFileSync(join(p.dir, 'seeds/seed_bom.csv'), `\ufeff${csv()}`);
    await createExpected(p);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['seed_expected', 'seed_bom']);
  });

  it('BaseSeedSpecificFormats: 20,000 rows, dots in the file name, unicode', async () => {
    const p = dbtProject({
      seeds: {
        'big_seed.csv': `seed_id\n${Array.from({ length: 20000 }, (_, i) => i).join('\n')}\n`,
        'seed.with.dots.csv': 'seed_id\n1\n',
        'seed_unicode.csv': 'seed_id\nUh – Oh\n',
      },
    });
    expect(statusByName((await p.dbt(['seed'])).results)).toEqual({ big_seed: 'success', 'seed.with.dots': 'success', seed_unicode: 'success' });
    expect(await p.query('select count(*) as n from {schema}.big_seed')).toEqual([{ n: '20000' }]);
    expect(await p.query('select seed_id from {schema}.seed_unicode')).toEqual([{ seed_id: 'Uh – Oh' }]);
    expect(await p.query('select seed_id from {schema}.`seed.with.dots`')).toEqual([{ seed_id: 1 }]);
  });

  it('BaseTestEmptySeed: a header-only seed creates an empty table', async () => {
    const p = dbtProject({ projectConfig: 'seeds:\n  +quote_columns: false\n', seeds: { 'empty_with_header.csv': 'a,b,c' } });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect(await p.query('select count(*) as n from {schema}.empty_with_header')).toEqual([{ n: '0' }]);
  });
});

const TRICKY = `seed_id,seed_id_str,a_bool,looks_like_a_bool,a_date,looks_like_a_date,relative,weekday
1,1,true,true,2019-01-01 12:32:30,2019-01-01 12:32:30,tomorrow,Saturday
2,2,True,True,2019-01-01 12:32:31,2019-01-01 12:32:31,today,Sunday
3,3,TRUE,TRUE,2019-01-01 12:32:32,2019-01-01 12:32:32,yesterday,Monday
4,4,false,false,2019-01-01 01:32:32,2019-01-01 01:32:32,tomorrow,Saturday
5,5,False,False,2019-01-01 01:32:32,2019-01-01 01:32:32,today,Sunday
6,6,FALSE,FALSE,2019-01-01 01:32:32,2019-01-01 01:32:32,yesterday,Monday
`;

// Upstream overrides birthday to `date` over '2008-09-12 19:08:31' values: Postgres truncates,
// ClickHouse's CSV reader refuses a time part in a Date column, so the override here is DateTime.
describe('seed column types (dbt-tests-adapter simple_seed/test_seed_type_override.py)', () => {
  it('BaseSimpleSeedColumnOverride: +column_types per seed, checked by a custom generic test reading adapter.get_columns_in_relation', async () => {
    const type = (name: string, t: string) => `  - name: ${name}\n    data_tests:\n    - column_type:\n        type: ${t}\n`;
    const p = dbtProject({
      projectConfig: `seeds:
  test:
    enabled: false
    quote_columns: true
    seed_enabled:
      enabled: true
      +column_types: {seed_id: String, birthday: DateTime}
    seed_tricky:
      enabled: true
      +column_types: {seed_id_str: String, looks_like_a_bool: String, looks_like_a_date: String}
`,
      seeds: { 'seed_enabled.csv': csv(), 'seed_disabled.csv': csv(), 'seed_tricky.csv': TRICKY },
      macros: {
        'schema_test.sql': `{% test column_type(model, column_name, type) %}
    {% set cols = adapter.get_columns_in_relation(model) %}
    {% set col_types = {} %}
    {% for col in cols %}
        {% do col_types.update({col.name: col.data_type}) %}
    {% endfor %}
    {% set validation_message = 'Got a column type of ' ~ col_types.get(column_name) ~ ', expected ' ~ type %}
    {% set val = 0 if col_types.get(column_name) == type else 1 %}
    {% if val == 1 and execute %}
        {{ log(validation_message, info=True) }}
    {% endif %}
    select '{{ validation_message }}' as validation_error
    from (select true) as nothing
    where {{ val }} = 1
{% endtest %}
`,
      },
      models: {
        'schema.yml': `version: 2
seeds:
- name: seed_enabled
  columns:
${type('birthday', 'DateTime')}${type('seed_id', 'String')}
- name: seed_tricky
  columns:
${type('seed_id', 'Int32')}${type('seed_id_str', 'String')}${type('a_bool', 'Bool')}${type('looks_like_a_bool', 'String')}${type('a_date', 'DateTime')}${type('looks_like_a_date', 'String')}${type('relative', 'String')}${type('weekday', 'String')}`,
      },
    });
    expect((await p.dbt(['seed', '--show'])).results).toHaveLength(2);
    const test = await p.dbt(['test'], { expectPass: null });
    expect(test.results.filter((r) => r.status !== 'pass').map((r) => `${r.unique_id}: ${r.message}`)).toEqual([]);
    expect(test.results).toHaveLength(10);
  });
});
