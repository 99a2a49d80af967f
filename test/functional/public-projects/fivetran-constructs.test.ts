import { describe, expect, it } from 'vitest';
import { loadProject } from '../../../packages/core/src/load/load-project.js';
import { expectStatuses, inlineProject, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran's dbt packages (dbt_stripe, dbt_shopify_source and their integration_tests)
 * that failed when run unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('fivetran package constructs', () => {
  it("gives a joined CTE's `t.col` items dbt's names, so the next CTE reads `col` (ClickHouse names them `t.col`)", async () => {
    const { p: ip, project: p } = setup({
      'models/invoice.sql': "select 'i1' as invoice_id, 'src' as source_relation, 10 as amount_due union all select 'i2', 'src', 5",
      'models/line.sql': "select 'i1' as invoice_id, 'src' as source_relation, 's1' as subscription_id union all select 'i1', 'src', 's1' union all select 'i2', 'src', 's2'",
      'models/report.sql': `with line_items_groups as (
  select
    invoice.invoice_id,
    invoice.amount_due,
    invoice.source_relation,
    max(line.subscription_id) as subscription_id,
    count(*) as number_of_line_items
  from {{ ref('line') }} as line
  join {{ ref('invoice') }} as invoice
    on invoice.invoice_id = line.invoice_id
  group by 1, 2, 3
), grouped as (
  select subscription_id, source_relation, count(distinct invoice_id) as invoices, sum(amount_due) as billed
  from line_items_groups
  group by 1, 2
)
select subscription_id, source_relation, invoices, billed from grouped order by subscription_id`,
    });
    expectStatuses(await p.run(), { invoice: 'success', line: 'success', report: 'success' });
    expect(await queryRows(p, `select subscription_id, source_relation, toInt64(invoices) as invoices, toInt64(billed) as billed from ${ip.schema}.report order by subscription_id`)).toEqual([
      { subscription_id: 's1', source_relation: 'src', invoices: '1', billed: '10' },
      { subscription_id: 's2', source_relation: 'src', invoices: '1', billed: '5' },
    ]);
  });

  it('reads seed column_types written in another case (`string`, as for BigQuery/Spark) as the ClickHouse type', async () => {
    const { p: ip, project: p } = setup({
      'seeds/charge_data.csv': 'id,balance_transaction_id,amount\n1,txn_1,100\n2,,200\n',
      'seeds/seeds.yml': "seeds:\n  - name: charge_data\n    config:\n      column_types:\n        balance_transaction_id: \"{{ 'varchar(500)' if target.type in ('redshift','postgres') else 'string' }}\"\n        amount: int64\n",
    });
    expectStatuses(await p.seed(), { charge_data: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'charge_data' order by position`)).toEqual([
      { name: 'id', type: 'Int32' },
      { name: 'balance_transaction_id', type: 'Nullable(String)' }, // its empty value is NULL, as dbt loads it
      { name: 'amount', type: 'Int64' },
    ]);
  });

  it("a var nobody set is None while parsing (dbt's ParseVar): a model disabled by another var loads, an enabled one fails alone when it runs", async () => {
    const { project: p } = setup({
      'models/predict.sql': "{{ config(enabled=var('benchmarks_already_created', false) | as_bool) }}\nselect * from {{ var('predictions_inpatient') }}",
      'models/needs_var.sql': "select '{{ var('region') }}' as region",
      'models/ok.sql': 'select 1 as id',
    });
    expect(p.manifest.nodes.has('model.proj.predict')).toBe(false);
    const result = await p.run();
    expect(Object.fromEntries(result.results.map((r) => [r.node.name, r.status]))).toEqual({ needs_var: 'error', ok: 'success' });
    expect(result.results.find((r) => r.node.name === 'needs_var')!.message).toMatch(/Required var 'region' not found/);
  });

  it('reads a YAML mapping that names a key twice as dbt (PyYAML) does: the last value wins, with a warning naming the file and line', () => {
    const ip = inlineProject({
      'project.yml': "name: proj\nprofile: proj\nseeds:\n  proj:\n    team_data:\n      +column_types: {id: Int32}\n    team_data:\n      +column_types: {id: Int64}\n",
      'seeds/team_data.csv': 'id\n1\n',
      'models/m.sql': 'select 1 as id',
      'models/m.yml': 'models:\n  - name: m\n    description: first\n    description: second\n',
    });
    try {
      const seen: string[] = [];
      const loaded = loadProject({ projectDir: ip.dir, partialParse: false, onLog: (m, level) => level === 'warn' && seen.push(m) });
      expect(loaded.manifest.nodes.get('seed.proj.team_data')!.config.column_types).toEqual({ id: 'Int64' });
      expect((loaded.manifest.nodes.get('model.proj.m') as { description: string }).description).toBe('second');
      expect(seen.filter((m) => m.includes('written twice'))).toEqual([expect.stringMatching(/^project\.yml:7: /), expect.stringMatching(/^models\/m\.yml:4: /)]);
    } finally {
      ip.cleanup();
    }
  });

  it("renders a source's folded `identifier: >` Jinja as Jinja does: None is None, and the folded value's trailing newline is dropped", () => {
    const ip = inlineProject({
      'project.yml': 'name: proj\nprofile: proj\nvars:\n  zendesk_group_identifier: group_data\n',
      'models/src.yml': `sources:
  - name: zendesk
    schema: "{{ var('zendesk_schema', None) or 'zendesk' }}"
    tables:
      - name: group
        identifier: >
          {% if target.type == 'snowflake' %}{{ var('zendesk_group_identifier', '"GROUP"') }}{% else %}{{ var('zendesk_group_identifier', 'group') }}{% endif %}
`,
      'models/m.sql': "select * from {{ source('zendesk', 'group') }}",
    });
    try {
      const loaded = loadProject({ projectDir: ip.dir, partialParse: false });
      expect(loaded.manifest.nodes.get('source.proj.zendesk.group')!.relation).toMatchObject({ schema: 'zendesk', identifier: 'group_data' });
    } finally {
      ip.cleanup();
    }
  });

  it("names a seed's columns as agate (dbt's CSV reader) does: a repeated name gets _2, an empty one its column letter", async () => {
    const { p: ip, project: p } = setup({ 'seeds/account_data.csv': 'id,eliminate,eliminate,\n1,true,false,x\n' });
    expectStatuses(await p.seed(), { account_data: 'success' });
    expect(await queryRows(p, `select name from system.columns where database = '${ip.schema}' and table = 'account_data' order by position`)).toEqual([
      { name: 'id' },
      { name: 'eliminate' },
      { name: 'eliminate_2' },
      { name: 'd' },
    ]);
  });

  it("does not warn about the YAML entry of a model its config disables (dbt patches disabled nodes silently)", () => {
    const ip = inlineProject({
      'models/stg_credit_note.sql': "{{ config(enabled=var('using_credit_notes', false)) }}\nselect 1 as id",
      'models/stg.yml': 'models:\n  - name: stg_credit_note\n    description: credit notes\n  - name: ghost\n    description: no file\n',
    });
    try {
      const seen: string[] = [];
      const loaded = loadProject({ projectDir: ip.dir, partialParse: false, onLog: (m, level) => level === 'warn' && seen.push(m) });
      expect(loaded.manifest.nodes.has('model.proj.stg_credit_note')).toBe(false);
      expect(seen.filter((m) => m.includes('matches no model file'))).toEqual([expect.stringContaining("'ghost' matches no model file")]);
    } finally {
      ip.cleanup();
    }
  });
});
