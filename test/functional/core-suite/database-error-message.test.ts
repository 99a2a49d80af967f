import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-common DbtRuntimeError.__str__ / dbt's printer (print_run_result_error): a model the warehouse
 * refuses has the message "Database Error in model <name> (<path>)" then the warehouse's text, in
 * run_results.json and under the summary's "Failure in model …" line. The statement ClickHouse quotes
 * has no setting tsdbt added on its own (dbt_semantics' join_use_nulls, use_variant_as_common_type,
 * cast_keep_nullable, union_default_mode…).
 */
describe("a warehouse error is dbt's Database Error", () => {
  it('message prefix, summary lines, no tsdbt-added SETTINGS in the quoted statement; a project-set one stays', async () => {
    const p = dbtProject({
      models: {
        'bad.sql': 'select a.nope from (select 1 as id) a left join (select 1 as id) b on a.id = b.id',
        'cast_join.sql': 'select cast(x as String) as s from (select 1 as x) cross join (select 2 as y)',
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
    // dbt_semantics' run settings (a CAST: cast_keep_nullable) are not quoted either, before ClickHouse's '(set … to disable …)'.
    const cast = message('model.test.cast_join');
    expect(cast).toMatch(/^Database Error in model cast_join \(models\/cast_join\.sql\)\n {2}Code: 206\./);
    expect(cast).not.toMatch(/cast_keep_nullable|SETTINGS/);
    expect(cast).toMatch(/\(SELECT 2 AS y\) \(set joined_subquery_requires_alias = 0 to disable restriction\)/);
    const text = out.map((l) => l.replace(/^\d\d:\d\d:\d\d  /, '')).join('\n');
    expect(text).toContain('Failure in model bad (models/bad.sql)\n  Database Error in model bad (models/bad.sql)\n  Code: 47.');
  });
});
