import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/partial_parsing/test_pp_docs.py, on tsdbt's warm start: a docs block
 * added, used by a model, edited (the model's description follows), then used by a macro patch, a
 * source and an exposure, edited back (TestDocs); a docs file removed with the description naming
 * it, then both put back (TestDocsRemoveReplace). manifest.files (dbt's per-file records) is not in
 * tsdbt's manifest: the docs and descriptions are read instead. dbt's fixtures as written.
 */
const MODEL_ONE_SQL = `
select 1 as fun
`;
const RAW_CUSTOMERS_CSV = `id,first_name,last_name,email
1,Michael,Perez,mperez0@chronoengine.com
2,Shawn,Mccoy,smccoy1@reddit.com
3,Kathleen,Payne,kpayne2@cargocollective.com
4,Jimmy,Cooper,jcooper3@cargocollective.com
5,Katherine,Rice,krice4@typepad.com
6,Sarah,Ryan,sryan5@gnu.org
7,Martin,Mcdonald,mmcdonald6@opera.com
8,Frank,Robinson,frobinson7@wunderground.com
9,Jennifer,Franklin,jfranklin8@mail.ru
10,Henry,Welch,hwelch9@list-manage.com
`;
const MY_MACRO_SQL = `
{% macro my_macro(something) %}

    select
        '{{ something }}' as something2

{% endmacro %}

`;
const CUSTOMERS1_MD = `
{% docs customer_table %}

This table contains customer data

{% enddocs %}
`;
const CUSTOMERS2_MD = `
{% docs customer_table %}

LOTS of customer data

{% enddocs %}

`;
const SCHEMA1_YML = `
version: 2

models:
    - name: model_one
      description: "{{ doc('customer_table') }}"
`;
const SCHEMA2_YML = `
version: 2

models:
    - name: model_one
      description: "{{ doc('customer_table') }}"

macros:
    - name: my_macro
      description: "{{ doc('customer_table') }}"

sources:
  - name: seed_sources
    description: "{{ doc('customer_table') }}"
    schema: "{{ target.schema }}"
    tables:
      - name: raw_customers
        columns:
          - name: id
            data_tests:
              - not_null:
                  severity: "{{ 'error' if target.name == 'prod' else 'warn' }}"
              - unique
          - name: first_name
          - name: last_name
          - name: email

exposures:
  - name: proxy_for_dashboard
    description: "{{ doc('customer_table') }}"
    type: "dashboard"
    owner:
      name: "Dashboard Tester"
      email: "tester@dashboard.com"
    depends_on:
      - ref("model_one")
      - ref("raw_customers")
      - source("seed_sources", "raw_customers")
`;
const MY_MODEL_YML = `
version: 2
models:
  - name: my_model
    columns:
      - name: id
        description: "{{ doc('whatever') }}"
`;
const MY_MODEL_NO_DESCRIPTION_YML = `
version: 2
models:
  - name: my_model
    columns:
      - name: id
`;
const MY_MODEL_MD = `
{% docs whatever %}
  cool stuff
{% enddocs %}
`;

type Manifest = {
  docs: Record<string, unknown>;
  nodes: Record<string, { description: string; columns: Record<string, { description: string }> }>;
  sources: Record<string, { source_description: string }>;
  macros: Record<string, { description: string }>;
  exposures: Record<string, { description: string }>;
};

describe('partial parsing of docs blocks (partial_parsing/test_pp_docs.py)', () => {
  it('TestDocs', async () => {
    const p = dbtProject({ models: { 'model_one.sql': MODEL_ONE_SQL }, seeds: { 'raw_customers.csv': RAW_CUSTOMERS_CSV }, macros: { 'my_macro.sql': MY_MACRO_SQL } });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    const manifest = () => p.readJson<Manifest>('target/manifest.json');

    p.write({ 'models/customers.md': CUSTOMERS1_MD });
    await p.dbt(['--partial-parse', 'run']);
    // dbt counts 2: its own doc.dbt.__overview__ and customer_table.
    expect(Object.keys(manifest().docs).sort()).toEqual(['doc.dbt.__overview__', 'doc.test.customer_table']);
    const projectDocs = () => Object.keys(manifest().docs).filter((id) => !id.startsWith('doc.dbt.'));

    p.write({ 'models/schema.yml': SCHEMA1_YML });
    await p.dbt(['--partial-parse', 'run']);
    expect(projectDocs()).toEqual(['doc.test.customer_table']);
    expect(manifest().nodes['model.test.model_one']!.description).toBe('This table contains customer data');

    p.write({ 'models/customers.md': CUSTOMERS2_MD });
    await p.dbt(['--partial-parse', 'run']);
    expect(projectDocs()).toEqual(['doc.test.customer_table']);
    expect(manifest().nodes['model.test.model_one']!.description).toContain('LOTS');

    p.write({ 'models/schema.yml': SCHEMA2_YML });
    expect((await p.dbt(['--partial-parse', 'run'])).results).toHaveLength(1);
    let m = manifest();
    expect(m.sources['source.test.seed_sources.raw_customers']!.source_description).toBe('LOTS of customer data');
    expect(m.macros['macro.test.my_macro']!.description).toBe('LOTS of customer data');
    expect(m.exposures['exposure.test.proxy_for_dashboard']!.description).toBe('LOTS of customer data');

    p.write({ 'models/customers.md': CUSTOMERS1_MD });
    await p.dbt(['--partial-parse', 'run']);
    m = manifest();
    expect(m.nodes['model.test.model_one']!.description).toBe('This table contains customer data');
    expect(m.sources['source.test.seed_sources.raw_customers']!.source_description).toBe('This table contains customer data');
    expect(m.macros['macro.test.my_macro']!.description).toBe('This table contains customer data');
    expect(m.exposures['exposure.test.proxy_for_dashboard']!.description).toBe('This table contains customer data');
  });

  it('TestDocsRemoveReplace', async () => {
    const p = dbtProject({ models: { 'my_model.sql': 'select 1 as id', 'my_model.yml': MY_MODEL_YML, 'my_model.md': MY_MODEL_MD } });
    const manifest = () => p.readJson<Manifest>('target/manifest.json');
    await p.dbt(['parse']);
    expect(Object.keys(manifest().docs)).toContain('doc.test.whatever');
    expect(manifest().nodes['model.test.my_model']!.columns.id!.description).toBe('cool stuff');

    p.remove('models/my_model.md');
    p.write({ 'models/my_model.yml': MY_MODEL_NO_DESCRIPTION_YML });
    await p.dbt(['parse']);
    expect(Object.keys(manifest().docs)).not.toContain('doc.test.whatever');
    expect(manifest().nodes['model.test.my_model']!.columns.id!.description).toBe('');

    p.write({ 'models/my_model.md': MY_MODEL_MD, 'models/my_model.yml': MY_MODEL_YML });
    await p.dbt(['parse']);
    expect(Object.keys(manifest().docs)).toContain('doc.test.whatever');
    expect(manifest().nodes['model.test.my_model']!.columns.id!.description).toBe('cool stuff');
  });
});
