import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/contracts/test_contract_enforcement.py (TestIncrementalModelContractEnforcement):
 * an incremental model with an enforced contract and on_schema_change append_new_columns builds; once
 * its SQL gives another column (and type), the next run fails the model with dbt's contract message.
 * `text` is ClickHouse's String.
 */
const SCHEMA_YML = `
models:
  - name: my_model
    config:
      materialized: incremental
      on_schema_change: append_new_columns
      contract: {enforced: true}
    columns:
      - name: string_column
        data_type: String
`;

describe('contracts/test_contract_enforcement.py', () => {
  it('TestIncrementalModelContractEnforcement: a contracted incremental model fails its next run once its SQL breaks the contract', async () => {
    const p = dbtProject({ models: { 'my_model.sql': "\nselect 'some string' as string_column\n", 'schema.yml': SCHEMA_YML } });
    const first = await p.dbt(['run']);
    expect(first.results.map((r) => r.status)).toEqual(['success']);
    p.write({ 'models/my_model.sql': '\nselect 123 as int_column\n' });
    const second = await p.dbt(['run'], { expectPass: false });
    expect(second.results).toHaveLength(1);
    expect(second.results[0]!.status).toBe('error');
    expect(second.results[0]!.message).toContain('This model has an enforced contract that failed.');
    // dbt-adapters' ContractError is a CompilationError: its str names the node and its SQL file (not the YAML), as the summary does.
    expect(second.results[0]!.message).toMatch(/^Compilation Error in model my_model \(models\/my_model\.sql\)\n {2}This model has an enforced contract that failed\.\n {2}Please ensure/);
    const text = second.out.map((l) => l.replace(/^\d\d:\d\d:\d\d  /, '')).join('\n');
    expect(text).toContain('Failure in model my_model (models/my_model.sql)\n  Compilation Error in model my_model (models/my_model.sql)\n');
    // The table built by the first run is left as it was.
    const rows = await p.query(`select * from \`${p.schema}\`.my_model`);
    expect(rows).toEqual([{ string_column: 'some string' }]);
  });
});
