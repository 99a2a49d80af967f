import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/source_overrides/: a root project's source entry with `overrides:
 * localdep` patches the local package's source (schema, identifiers, freshness, a table's columns
 * and tests), and two such entries for one source are dbt's DuplicateSourcePatchNameError. The
 * package's freshness seeds are shortened to a few rows (their dates are all long past).
 */
const OVERRIDE = (loadedAt: boolean) => `
version: 2
sources:
  - name: my_source
    overrides: localdep
    schema: "{{ target.schema }}"
    database: "{{ target.database }}"
    freshness:
      error_after: {count: 3, period: day}
    tables:
      - name: my_table
        freshness: null
        identifier: my_real_seed
        # on the override, the "color" column is only unique, it can be null!
        columns:
          - name: id
            data_tests:
              - not_null
              - unique
          - name: color
            data_tests:
              - unique
      - name: my_other_table
        freshness: null
        identifier: my_real_other_seed
      - name: snapshot_freshness
        identifier: snapshot_freshness_base
${loadedAt ? '        loaded_at_field: updated_at\n' : '\n'}        freshness:
          error_after: {count: 1, period: day}

`;
const FRESHNESS_SEED = "favorite_color,id,first_name,email,ip_address,updated_at\nblue,1,Larry,lking0@miitbeian.gov.cn,'69.135.206.194',2008-09-12 19:08:31\nblue,2,Larry,lperkins1@toplist.cz,'64.210.133.162',1978-05-09 04:15:14\n";
const LOCAL_DEPENDENCY = {
  'local_dependency/dbt_project.yml': "\nconfig-version: 2\nname: localdep\n\nversion: '1.0'\n\nprofile: 'default'\n\nseeds:\n  quote_columns: False\n\nseed-paths: ['seeds']\n\n",
  'local_dependency/models/schema.yml': `
version: 2
sources:
  - name: my_source
    schema: invalid_schema
    database: invalid_database
    freshness:
      error_after: {count: 3, period: hour}
    tables:
      - name: my_table
        freshness: null
        identifier: my_seed
        columns:
          - name: id
            data_tests:
              - unique
              - not_null
          - name: color
            data_tests:
              - unique
              - not_null
      - name: my_other_table
        identifier: my_other_seed
        columns:
          - name: id
            data_tests:
              - unique
              - not_null
          - name: letter
            data_tests:
              - unique
              - not_null
      - name: snapshot_freshness
        identifier: snapshot_freshness_base
        loaded_at_field: updated_at
        freshness:
          error_after: {count: 1, period: hour}
  - name: my_other_source
    schema: "{{ target.schema }}"
    database: "{{ target.database }}"
    freshness:
      error_after: {count: 1, period: day}
    tables:
      - name: never_fresh
        loaded_at_field: updated_at

`,
  'local_dependency/models/my_model.sql': "\n\n{{ config(materialized=\"table\") }}\n\nwith colors as (\n  select id, color from {{ source('my_source', 'my_table') }}\n),\nletters as (\n  select id, letter from {{ source('my_source', 'my_other_table') }}\n)\nselect letter, color from colors join letters using (id)\n\n",
  'local_dependency/seeds/my_other_seed.csv': 'id,letter\n1,r\n2,g\n3,b\n',
  'local_dependency/seeds/my_seed.csv': 'id,color\n1,red\n2,green\n3,blue\n',
  'local_dependency/seeds/keep/never_fresh.csv': FRESHNESS_SEED,
  'local_dependency/seeds/keep/snapshot_freshness_base.csv': FRESHNESS_SEED,
  'packages.yml': 'packages:\n  - local: local_dependency\n',
};
const config = (otherSource: boolean) =>
  `seeds:\n  localdep:\n    enabled: false\n    keep:\n      enabled: true\n  quote_columns: false\nsources:\n  localdep:\n    my_other_source:\n      enabled: ${otherSource}\n`;

describe('source overrides (source_overrides/)', () => {
  it('TestSourceOverride: the override patches the package source: relations, tests, freshness', async () => {
    const p = dbtProject({
      models: { 'schema.yml': OVERRIDE(true) },
      seeds: { 'expected_result.csv': 'letter,color\nc,cyan\nm,magenta\ny,yellow\nk,key\n', 'my_real_other_seed.csv': 'id,letter\n1,c\n2,m\n3,y\n4,k\n', 'my_real_seed.csv': 'id,color\n1,cyan\n2,magenta\n3,yellow\n4,key\n5,NULL\n' },
      files: LOCAL_DEPENDENCY,
      projectConfig: config(false),
    });
    await p.dbt(['deps']);
    expect((await p.dbt(['seed'])).results).toHaveLength(5);
    // There should be 7, as we disabled 1 test of the original 8
    expect((await p.dbt(['test'])).results).toHaveLength(7);
    const manifest = p.readJson('target/manifest.json');
    expect(manifest.sources['source.localdep.my_source.my_table'].relation_name).toBe(`\`${p.schema}\`.\`my_real_seed\``);
    expect(Object.keys(manifest.sources).some((id) => id.startsWith('source.test.'))).toBe(false);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['expected_result', 'my_model']);

    const insert = async (id: number, hoursAgo: number) => {
      const time = new Date(Date.now() - hoursAgo * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      await p.query(`INSERT INTO {schema}.snapshot_freshness_base (favorite_color, id, first_name, email, ip_address, updated_at) VALUES ('blue', ${id}, 'Jake', 'abc@example.com', '192.168.1.1', '${time}')`);
    };
    // dbt's freshness results are sources.json's.
    const freshness = async (expectPass: boolean) => {
      await p.dbt(['source', 'snapshot-freshness'], { expectPass });
      return Object.fromEntries((p.readJson('target/sources.json').results as { unique_id: string; status: string }[]).map((x) => [x.unique_id, x.status]));
    };
    // a week old: error_after 1 day from the override's table (not the package's 1 hour)
    await insert(101, 24 * 7);
    expect(await freshness(false)).toEqual({ 'source.localdep.my_source.snapshot_freshness': 'error' });
    await insert(102, 48);
    expect(await freshness(false)).toEqual({ 'source.localdep.my_source.snapshot_freshness': 'error' });
    await insert(103, 12);
    expect(await freshness(true)).toEqual({ 'source.localdep.my_source.snapshot_freshness': 'pass' });

    // my_other_source enabled: its never-fresh table fails
    p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\n${config(true)}` });
    expect(await freshness(false)).toEqual({ 'source.localdep.my_source.snapshot_freshness': 'pass', 'source.localdep.my_other_source.never_fresh': 'error' });
  });

  it('TestSourceOverrideDuplicates: two overrides of one source are an error naming both files', async () => {
    const p = dbtProject({ models: { 'schema2.yml': OVERRIDE(false), 'schema1.yml': OVERRIDE(true) }, files: LOCAL_DEPENDENCY, projectConfig: config(false) });
    await p.dbt(['deps']);
    const out = (await p.dbt(['compile'], { expectPass: false })).out.join('\n');
    expect(out).toContain('dbt found two schema.yml entries for the same source named');
    expect(out).toContain('one of these files');
    expect(out).toContain('models/schema1.yml');
    expect(out).toContain('models/schema2.yml');
  });
});
