import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/compile/test_empty_flag.py (TestAliasesWithEmptyFlag):
 * `run --empty` of models that read a ref through a table alias (`FROM {{ ref('x') }} alias`): the
 * ref becomes an empty subquery and the alias still names it. Upstream model files unchanged.
 */
const MODELS = {
  'base_table.sql': `
                {{ config(materialized='table') }}
                SELECT 1 as id, 'test' as name, true as active
            `,
  'model_with_alias.sql': `
                {{ config(materialized='table') }}
                SELECT
                    base_alias.id,
                    base_alias.name,
                    base_alias.active
                FROM {{ ref('base_table') }} base_alias
                WHERE base_alias.active = true
            `,
  'incremental_base_table.sql': `
                {{ config(materialized='table') }}
                SELECT 1 as event_id, 'login' as event_type, '2023-01-01'::date as event_date
                UNION ALL
                SELECT 2 as event_id, 'logout' as event_type, '2023-01-02'::date as event_date
            `,
  'incremental_with_alias.sql': `
                {{ config(
                    materialized='incremental',
                    incremental_strategy='append',
                    unique_key='event_id'
                ) }}
                SELECT
                    src_alias.event_id,
                    src_alias.event_type,
                    src_alias.event_date
                FROM {{ ref('incremental_base_table') }} src_alias
            `,
  'view_with_alias.sql': `
                {{ config(materialized='view') }}
                SELECT
                    base_alias.id,
                    base_alias.name
                FROM {{ ref('base_table') }} base_alias
                WHERE base_alias.name = 'test'
            `,
};

describe('dbt-clickhouse compile/test_empty_flag', () => {
  it('TestAliasesWithEmptyFlag: run --empty of a table, an incremental and a view reading an aliased ref', async () => {
    const p = dbtProject({ models: MODELS });
    await p.dbt(['run', '--select', 'base_table incremental_base_table']);
    for (const model of ['model_with_alias', 'incremental_with_alias', 'view_with_alias']) {
      const run = await p.dbt(['run', '--empty', '--select', model]);
      expect(run.results.map((r) => [r.unique_id, r.status])).toEqual([[`model.test.${model}`, 'success']]);
    }
    expect(await p.query(`select count() as n from {schema}.model_with_alias`)).toEqual([{ n: '0' }]);
  });
});
