import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult, TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

// dbt documents overriding get_where_subquery (reference/resource-configs/where, "custom logic"):
// every data test's rows come from it, so tsdbt's own shared scans and pre-checks must not bypass it.
const OVERRIDE = `{% macro get_where_subquery(relation) -%}
  {%- set where = config.get('where') -%}
  {%- if where -%}
    {%- set where = where | replace('__recent__', 'id >= 5') -%}
    (select * from {{ relation }} where {{ where }}) dbt_subquery
  {%- else -%}
    (select * from {{ relation }} where id >= 5) dbt_subquery
  {%- endif -%}
{%- endmacro %}`;

const SCHEMA = `version: 2
models:
  - name: m
    columns:
      - name: a
        tests: [not_null, {accepted_values: {values: [1]}}]
      - name: b
        tests: [not_null, unique, {not_null: {name: b_recent, config: {where: "__recent__"}}}, {not_null: {name: a_recent, config: {where: "__recent__"}}}]
`;

function outcomes(r: RunResult): Record<string, string> {
  return Object.fromEntries(r.results.map((x) => [x.node.name, `${x.status} ${x.failures ?? ''}`.trim()]));
}

let p: InlineProject;
let project: TsdbtProject;
beforeAll(async () => {
  p = inlineProject({
    // Rows 0..4 break every test; the override reads only id >= 5.
    'models/m.sql': `select number as id, if(number < 5, NULL, 1) as a, if(number < 5, NULL, number) as b from numbers(10)`,
    'models/schema.yml': SCHEMA,
    'macros/where.sql': OVERRIDE,
  });
  project = p.open();
  await project.run();
}, 60_000);
afterAll(async () => {
  await project.close();
  p.cleanup();
});

describe("a project's get_where_subquery", () => {
  it('gives the rows of every test, batched or not', async () => {
    const expected = outcomes(await project.test({ batchTests: false }));
    expect(Object.values(expected).every((s) => s === 'pass 0')).toBe(true);
    expect(outcomes(await project.test())).toEqual(expected);
  });
});
