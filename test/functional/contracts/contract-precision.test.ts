import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-adapters' tests/functional/contracts/test_contract_precision.py (TestModelContractNumericNoPrecision,
 * TestModelContractNumericPrecision): a contracted column typed as a bare `numeric` (no precision or
 * scale) warns, as dbt's get_empty_schema_sql does; --warn-error makes it the model's error. On
 * ClickHouse the trap is real: `numeric` is Decimal(10, 0), so the model's query casts to it too
 * (its type must match the contract) and 1.234 is stored as 1.
 */
const WARNING = "Detected columns with numeric type and unspecified precision/scale, this can lead to unintended rounding: ['non_integer']";

const schema = (dataType: string) => `version: 2
models:
  - name: my_numeric_model
    config:
      contract:
        enforced: true
    columns:
      - name: non_integer
        data_type: ${dataType}
`;

describe('contracts: numeric without precision (contracts/test_contract_precision.py)', () => {
  it('TestModelContractNumericNoPrecision: run warns naming the column; --warn-error fails the model before it is built', async () => {
    const p = dbtProject({
      models: { 'my_numeric_model.sql': '\nselect\n  cast(1.234 as numeric) as non_integer\n', 'schema.yml': schema('numeric') },
    });
    const failed = await p.dbt(['--warn-error', 'run'], { expectPass: false });
    expect(failed.results.map((r) => r.status)).toEqual(['error']);
    expect(failed.out.join('\n')).toContain(WARNING);
    expect(await p.relationTypes(['my_numeric_model'])).toEqual({ my_numeric_model: undefined });
    const ran = await p.dbt(['run']);
    expect(ran.results.map((r) => r.status)).toEqual(['success']);
    expect(ran.out.join('\n')).toContain(WARNING);
    // What the warning is about: the value lost its decimals.
    expect(await p.rows('my_numeric_model')).toEqual([[1]]);
  });

  it('TestModelContractNumericPrecision: numeric(38,3) does not warn', async () => {
    const p = dbtProject({
      models: { 'my_numeric_model.sql': '\nselect\n  cast(1.234 as numeric(38,3)) as non_integer\n', 'schema.yml': schema('numeric(38,3)') },
    });
    const ran = await p.dbt(['run']);
    expect(ran.results.map((r) => r.status)).toEqual(['success']);
    expect(ran.out.join('\n')).not.toContain('unspecified precision/scale');
  });
});
