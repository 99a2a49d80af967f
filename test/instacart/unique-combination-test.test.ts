// The reference project's generic test tests/generic/unique_combination_of_columns.sql (dbt_utils' test of the same
// name and arguments: `group by <columns> having count(*) > 1`) run on inline models: its pre-check by the first
// column must never hide a repeated combination — duplicates, NULLs in any column, two and three columns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openedPerTest } from '../helpers/inline-project.js';

const ROOT = join(import.meta.dirname, '..', '..');
const GENERIC = readFileSync(join(ROOT, 'tests', 'generic', 'unique_combination_of_columns.sql'), 'utf8');
const setup = openedPerTest();

function projectWith(rows: string, columns: string[]) {
  return setup({
    'tests/generic/unique_combination_of_columns.sql': GENERIC,
    // Nullable columns: a NULL in any position must count as a value of the combination (GROUP BY groups NULLs)
    'models/m.sql': `{{ config(materialized='table') }}\nselect * from values('a Nullable(UInt32), b Nullable(UInt32), c Nullable(UInt32)', ${rows})`,
    'models/schema.yml': `version: 2\nmodels:\n  - name: m\n    tests:\n      - unique_combination_of_columns:\n          combination_of_columns: [${columns.join(', ')}]\n`,
  });
}

async function failures(rows: string, columns: string[]): Promise<number | undefined> {
  const { project } = projectWith(rows, columns);
  const result = await project.build();
  const test = result.results.find((r) => r.node.resourceType === 'test');
  return test?.failures;
}

describe('unique_combination_of_columns (reference project generic test)', () => {
  it('passes when every combination occurs once (NULLs included)', async () => {
    expect(await failures('(1, 1, 1), (1, 2, 1), (2, 1, 1), (2, NULL, 1), (NULL, 1, 1), (3, NULL, 1)', ['a', 'b'])).toBe(0);
  });

  it('reports each repeated pair once, also pairs with NULLs (two columns)', async () => {
    // repeated: (1, 2), (4, NULL), (NULL, 5); (1, 3) and (4, 6) occur once
    const rows = '(1, 2, 0), (1, 2, 0), (1, 3, 0), (4, NULL, 0), (4, NULL, 0), (4, 6, 0), (NULL, 5, 0), (NULL, 5, 0)';
    expect(await failures(rows, ['a', 'b'])).toBe(3);
  });

  it('reports repeated triples, also with a NULL in a later column (three columns)', async () => {
    // repeated: (1, 2, 3), (1, NULL, 3); (1, 2, 4) once
    const rows = '(1, 2, 3), (1, 2, 3), (1, 2, 4), (1, NULL, 3), (1, NULL, 3), (2, 2, 3)';
    expect(await failures(rows, ['a', 'b', 'c'])).toBe(2);
  });
});
