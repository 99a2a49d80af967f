import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A node that fails with an error carrying what to do (its hint) — for a write refused or cut short, where
 * its rows were left and how to get them back — has that hint in its result and under its "Failure in …"
 * summary lines (dbt's output has no hints; the message above is dbt's). Before, a node's hint was dropped:
 * only errors outside nodes (project loading) showed it.
 */
describe("a failed node's hint", () => {
  it('is in the node result and printed under the summary of its failure', async () => {
    const p = dbtProject({
      models: {
        'io.sql': "{{ config(materialized='incremental', incremental_strategy='insert_overwrite') }}\nselect 1 as id",
        'ok.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      },
    });
    const { out, results } = await p.dbt(['run'], { expectPass: false });
    const io = results.find((r: any) => r.unique_id === 'model.test.io') as any;
    expect(io.status).toBe('error');
    // run_results keeps dbt's message alone.
    expect(io.message).not.toContain('hint');
    const text = out.map((l) => l.replace(/^\d\d:\d\d:\d\d  /, '')).join('\n');
    expect(text).toMatch(/Failure in model io \(models\/io\.sql\)\n {2}Model io: insert_overwrite needs partition_by\n {2}hint: Add config\(partition_by=/);
  });
});
