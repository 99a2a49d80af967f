import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/show/test_show.py: `dbt show` previews each selected node under
 * "Previewing node 'x':" (inline SQL: "Previewing inline node:"; --quiet: the table alone), `--output
 * json` is dbt's {"node": …, "show": [rows]} ({"show": …} inline), a versioned model's node is
 * `name.vN`, an ephemeral model previews through its CTEs, and `--inline-direct` runs SQL without
 * Jinja. ClickHouse SQL as written upstream (cast(1.0 as int) etc.).
 */
const F = {
  sample_model: "\nselect * from {{ ref('sample_seed') }}\n",
  sample_number_model: '\nselect\n  cast(1.0 as int) as float_to_int_field,\n  3.0 as float_field,\n  4.3 as float_with_dec_field,\n  5 as int_field\n',
  sample_number_model_with_nulls:
    '\nselect\n  cast(1.0 as int) as float_to_int_field,\n  3.0 as float_field,\n  4.3 as float_with_dec_field,\n  5 as int_field\n\nunion all\n\nselect\n  cast(null as int) as float_to_int_field,\n  cast(null as float) as float_field,\n  cast(null as float) as float_with_dec_field,\n  cast(null as int) as int_field\n\n',
  second_model: "\nselect\n    sample_num as col_one,\n    sample_bool as col_two,\n    42 as answer\nfrom {{ ref('sample_model') }}\n",
  ephemeral_model: "\n{{ config(materialized = 'ephemeral') }}\nselect\n    coalesce(sample_num, 0) + 10 as col_deci\nfrom {{ ref('sample_model') }}\n",
  second_ephemeral_model: "\n{{ config(materialized = 'ephemeral') }}\nselect\n    col_deci + 100 as col_hundo\nfrom {{ ref('ephemeral_model') }}\n",
  sample_seed: 'sample_num,sample_bool\n1,true\n2,false\n3,true\n4,false\n5,true\n6,false\n7,true\n',
  schema_yml: `
models:
  - name: sample_model
    latest_version: 1

    # declare the versions, and fully specify them
    versions:
      - v: 2
        config:
          materialized: table
        columns:
          - name: sample_num
            data_type: int
          - name: sample_bool
            data_type: bool
          - name: answer
            data_type: int

      - v: 1
        config:
          materialized: table
          contract: {enforced: true}
        columns:
          - name: sample_num
            data_type: int
          - name: sample_bool
            data_type: bool
`,
  private_model_yml: `
groups:
  - name: my_cool_group
    owner: {name: me}

models:
  - name: private_model
    access: private
    config:
      group: my_cool_group
`,
};

/** ShowBase: five models and a seed, seeded. */
async function showBase(): Promise<DbtProject> {
  const p = dbtProject({
    models: {
      'sample_model.sql': F.sample_model,
      'sample_number_model.sql': F.sample_number_model,
      'sample_number_model_with_nulls.sql': F.sample_number_model_with_nulls,
      'second_model.sql': F.second_model,
      'ephemeral_model.sql': F.ephemeral_model,
    },
    seeds: { 'sample_seed.csv': F.sample_seed },
  });
  await p.dbt(['seed']);
  return p;
}
const text = (out: string[]) => out.join('\n');

describe('dbt show (show/test_show.py)', () => {
  it('TestShowNone: neither --select nor --inline is an error', async () => {
    const p = await showBase();
    const r = await p.dbt(['show'], { expectPass: false });
    expect(text(r.out)).toMatch(/Either --select or --inline must be passed to show/);
  });

  it('TestShowSelectText: only the selected node is previewed, under its name', async () => {
    const p = await showBase();
    await p.dbt(['build']);
    const log = text((await p.dbt(['show', '--select', 'second_model'])).out);
    expect(log).not.toContain("Previewing node 'sample_model'");
    expect(log).toContain("Previewing node 'second_model'");
    for (const c of ['col_one', 'col_two', 'answer']) expect(log).toContain(c);
  });

  it('TestShowMultiple: two selected models are each previewed', async () => {
    const p = await showBase();
    await p.dbt(['build']);
    const log = text((await p.dbt(['show', '--select', 'sample_model second_model'])).out);
    expect(log).toContain("Previewing node 'sample_model'");
    expect(log).toContain("Previewing node 'second_model'");
    expect(log).toContain('sample_num');
    expect(log).toContain('sample_bool');
  });

  it('TestShowSingle: --output json is {"node", "show"} (alone under --quiet)', async () => {
    const p = await showBase();
    await p.dbt(['build']);
    const log = text((await p.dbt(['show', '--select', 'sample_model', '--output', 'json'])).out);
    expect(log).not.toContain("Previewing node 'sample_model'");
    expect(log).toContain('sample_num');
    expect(log).toContain('sample_bool');
    const quiet = JSON.parse(text((await p.dbt(['show', '--quiet', '--select', 'sample_model', '--output', 'json'])).out));
    expect(quiet.node).toBe('sample_model');
    expect(quiet.show).toHaveLength(5);
    expect(quiet.show[0]).toEqual({ sample_num: 1, sample_bool: true });
  });

  // dbt's JSON is Python's: a float prints as 3.0; JSON.stringify writes 3 (the same number for any
  // JSON reader). The rest is dbt's: integers without a fraction, 4.3 as 4.3, NULLs as null.
  for (const model of ['sample_number_model', 'sample_number_model_with_nulls'])
    it(`TestShowNumeric${model.endsWith('nulls') ? 'Nulls' : ''}: integers print as integers, floats as their value`, async () => {
      const p = await showBase();
      await p.dbt(['build']);
      const log = text((await p.dbt(['show', '--select', model, '--output', 'json'])).out).replaceAll('\\', '');
      expect(log).not.toContain(`Previewing node '${model}'`);
      expect(log).not.toContain('"float_to_int_field": 1.0');
      expect(log).toContain('"float_to_int_field": 1');
      expect(log).toContain('"float_field": 3');
      expect(log).toContain('"float_with_dec_field": 4.3');
      expect(log).toContain('"int_field": 5');
      expect(log).not.toContain('"int_field": 5.0');
      const rows = JSON.parse(text((await p.dbt(['show', '--quiet', '--select', model, '--output', 'json'])).out)).show;
      expect(rows.map((r: Record<string, unknown>) => Object.values(r).every((v) => v === null || typeof v === 'number'))).toEqual(rows.map(() => true));
      if (model.endsWith('nulls')) expect(rows).toContainEqual({ float_to_int_field: null, float_field: null, float_with_dec_field: null, int_field: null });
    });

  it('TestShowInline: "Previewing inline node" (not under --quiet)', async () => {
    const p = await showBase();
    await p.dbt(['build']);
    const log = text((await p.dbt(['show', '--inline', "select * from {{ ref('sample_model') }}"])).out);
    expect(log).toContain('Previewing inline node');
    expect(log).toContain('sample_num');
    expect(log).toContain('sample_bool');
    const quiet = text((await p.dbt(['show', '--quiet', '--inline', "select * from {{ ref('sample_model') }}"])).out);
    expect(quiet).not.toContain('Previewing inline node');
    expect(quiet).toContain('sample_num');
    expect(quiet).toContain('sample_bool');
  });

  it('TestShowInlineFail: a ref to no model is "Error parsing inline query"', async () => {
    const p = await showBase();
    const r = await p.dbt(['show', '--inline', "select * from {{ ref('third_model') }}"], { expectPass: false });
    expect(text(r.out)).toMatch(/Error parsing inline query/);
  });

  it('TestShowInlineFailDB: SQL the warehouse refuses is a "Database Error"', async () => {
    const p = await showBase();
    const r = await p.dbt(['show', '--inline', 'slect asdlkjfsld;j'], { expectPass: false });
    expect(text(r.out)).toMatch(/Database Error/);
  });

  it('TestShowInlineDirect: --inline-direct runs SQL as written (also --quiet, --limit -1)', async () => {
    const p = await showBase();
    const query = `select * from ${p.schema}.sample_seed`;
    const log = text((await p.dbt(['show', '--inline-direct', query])).out);
    expect(log).toContain('Previewing inline node');
    expect(log).toContain('sample_num');
    expect(log).toContain('sample_bool');
    const quiet = text((await p.dbt(['show', '--quiet', '--inline-direct', query])).out);
    expect(quiet).not.toContain('Previewing inline node');
    expect(quiet).toContain('sample_num');
    const all = JSON.parse(text((await p.dbt(['show', '--quiet', '--inline-direct', query, '--limit', '-1', '--output', 'json'])).out));
    expect(all.show).toHaveLength(7);
    // Without Jinja: braces are the SQL's own
    const direct = JSON.parse(text((await p.dbt(['show', '--quiet', '--inline-direct', "select '{{ x }}' as t", '--output', 'json'])).out));
    expect(direct).toEqual({ show: [{ t: '{{ x }}' }] });
  });

  it('TestShowInlineDirectFail: a "Database Error"', async () => {
    const p = await showBase();
    const r = await p.dbt(['show', '--inline-direct', 'slect asdlkjfsld;j'], { expectPass: false });
    expect(text(r.out)).toMatch(/Database Error/);
  });

  it('TestShowEphemeral / TestShowSecondEphemeral: ephemeral models preview through their CTEs', async () => {
    const p = await showBase();
    await p.dbt(['build']);
    expect(text((await p.dbt(['show', '--select', 'ephemeral_model'])).out)).toContain('col_deci');
    expect(text((await p.dbt(['show', '--inline', F.second_ephemeral_model])).out)).toContain('col_hundo');
  });

  it('TestShowSeed: a seed is previewed under its name', async () => {
    const p = await showBase();
    expect(text((await p.dbt(['show', '--select', 'sample_seed'])).out)).toContain("Previewing node 'sample_seed'");
  });

  it('TestShowModelVersions: a versioned model previews each version as name.vN', async () => {
    const p = dbtProject({
      models: { 'schema.yml': F.schema_yml, 'sample_model.sql': F.sample_model, 'sample_model_v2.sql': F.second_model },
      seeds: { 'sample_seed.csv': F.sample_seed },
    });
    await p.dbt(['build']);
    const both = text((await p.dbt(['show', '--select', 'sample_model'])).out);
    expect(both).toContain("Previewing node 'sample_model.v1'");
    expect(both).toContain("Previewing node 'sample_model.v2'");
    const v2 = text((await p.dbt(['show', '--select', 'sample_model.v2'])).out);
    expect(v2).not.toContain("Previewing node 'sample_model.v1'");
    expect(v2).toContain("Previewing node 'sample_model.v2'");
  });

  it('TestShowPrivateModel: inline SQL may ref a private model', async () => {
    const p = dbtProject({
      models: { 'schema.yml': F.private_model_yml, 'private_model.sql': F.sample_model },
      seeds: { 'sample_seed.csv': F.sample_seed },
    });
    await p.dbt(['build']);
    await p.dbt(['show', '--inline', "select * from {{ ref('private_model') }}"]);
  });
});
