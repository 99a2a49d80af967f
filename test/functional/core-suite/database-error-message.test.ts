import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-common DbtRuntimeError.__str__ / dbt's printer (print_run_result_error): a model the warehouse
 * refuses has the message "Database Error in model <name> (<path>)" then the warehouse's text, in
 * run_results.json and under the summary's "Failure in model …" line. The statement ClickHouse quotes
 * has no setting tsdbt added on its own (dbt_semantics' join_use_nulls, use_variant_as_common_type).
 */
describe("a warehouse error is dbt's Database Error", () => {
  it('message prefix, summary lines, no tsdbt-added SETTINGS in the quoted statement; a project-set one stays', async () => {
    const p = dbtProject({
      models: {
        'bad.sql': 'select a.nope from (select 1 as id) a left join (select 1 as id) b on a.id = b.id',
        'own.sql': "{{ config(query_settings={'join_use_nulls': 1}) }}select a.nope from (select 1 as id) a left join (select 1 as id) b on a.id = b.id",
      },
    });
    const { out, results } = await p.dbt(['run'], { expectPass: false });
    const message = (id: string) => (results.find((r: any) => r.unique_id === id) as any).message as string;
    const bad = message('model.test.bad');
    expect(bad).toMatch(/^Database Error in model bad \(models\/bad\.sql\)\n {2}Code: 47\./);
    expect(bad).not.toMatch(/use_variant_as_common_type|join_use_nulls|SETTINGS/);
    // The quote still ends as ClickHouse wrote it.
    expect(bad).toMatch(/ON a\.id = b\.id\.?$/m);
    const own = message('model.test.own');
    expect(own).toMatch(/^Database Error in model own \(models\/own\.sql\)\n/);
    expect(own).toContain('SETTINGS join_use_nulls = 1');
    expect(own).not.toContain('use_variant_as_common_type');
    const text = out.map((l) => l.replace(/^\d\d:\d\d:\d\d  /, '')).join('\n');
    expect(text).toContain('Failure in model bad (models/bad.sql)\n  Database Error in model bad (models/bad.sql)\n  Code: 47.');
  });
});
