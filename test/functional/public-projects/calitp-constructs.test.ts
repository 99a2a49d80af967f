import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

/*
 * Constructs of cal-itp/data-infra (its `warehouse` dbt project, parsed unmodified:
 * docs/public-projects.md) that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('cal-itp/data-infra constructs', () => {
  it("a config key written under a test's `arguments:` (where, severity) is the test's config, as dbt merges arguments then takes config keys out", async () => {
    // _int_gtfs.yaml: `dbt_utils.unique_combination_of_columns: {arguments: {combination_of_columns: […], where: '__rt_sampled__'}}`
    // — the whole parse stopped: "macro … takes no keyword argument 'where'".
    const { project } = setup({
      'models/m.sql': 'select 1 as id, 1 as keep union all select cast(null as Nullable(Int32)) as id, 0 as keep',
      'models/m.yml': `version: 2
models:
  - name: m
    columns:
      - name: id
        data_tests:
          - not_null:
              arguments:
                where: "keep = 1"
          - accepted_values:
              arguments:
                values: [2]
                severity: warn
`,
    });
    const result = await project.build({});
    expectStatuses(result, { m: 'success', not_null_m_id: 'pass', accepted_values_m_id__2: 'warn' });
    const notNull = [...project.manifest.nodes.values()].find((n) => n.name === 'not_null_m_id')!;
    expect(notNull.config.where).toBe('keep = 1');
  });
});
