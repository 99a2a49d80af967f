import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult, TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, recordQueries, type InlineProject } from '../../helpers/inline-project.js';

// 1.2M rows: above the pre-check's 1M-value floor, small enough to build in a second.
const BIG = `{{ config(materialized='table', order_by='id') }}
select number as id, toInt64(number) - 600000 as sid, if(number % 10 = 0, NULL, number) as nid,
       number % 900000 as dup, cityHash64(number) as sparse, toString(number) as s,
       18446744073709551615 - number as top_u64, toInt64(-9223372036854775808) + toInt64(number) as bottom_i64, toUInt16(number % 65536) as u16
from numbers(1200000)`;

const SCHEMA = `version: 2
models:
  - name: big
    columns:
      - name: id
        tests: [unique, {unique: {name: uq_id_where, config: {where: "id < 1100000"}}}, {unique: {name: uq_id_warn, config: {severity: warn}}}]
      - name: sid
        tests: [unique]
      - name: nid
        tests: [unique]
      - name: dup
        tests: [unique, {unique: {name: uq_dup_where_unique, config: {where: "id < 900000"}}}]
      - name: sparse
        tests: [unique]
      - name: s
        tests: [unique]
      - name: top_u64
        tests: [unique]
      - name: bottom_i64
        tests: [unique]
      - name: u16
        tests: [unique]
  - name: big_view
    columns:
      - name: id
        tests: [unique]
`;

const EXPECTED = {
  unique_big_id: ['pass', 0],
  uq_id_where: ['pass', 0],
  uq_id_warn: ['pass', 0],
  unique_big_sid: ['pass', 0],
  unique_big_nid: ['pass', 0],
  unique_big_dup: ['fail', 300000],
  uq_dup_where_unique: ['pass', 0],
  unique_big_sparse: ['pass', 0],
  unique_big_s: ['pass', 0],
  unique_big_top_u64: ['pass', 0],
  unique_big_bottom_i64: ['pass', 0],
  unique_big_u16: ['fail', 65536],
  unique_big_view_id: ['pass', 0],
};

function outcomes(r: RunResult): Record<string, [string, number | undefined]> {
  return Object.fromEntries(r.results.map((x) => [x.node.name, [x.status, x.failures]]));
}

let p: InlineProject;
let project: TsdbtProject;
beforeAll(async () => {
  p = inlineProject({
    'models/big.sql': BIG,
    'models/big_view.sql': `{{ config(materialized='view') }}\nselect * from {{ ref('big') }}`,
    'models/schema.yml': SCHEMA,
  });
  project = p.open();
  await project.run();
}, 60_000);
afterAll(async () => {
  await project.close();
  p.cleanup();
});

describe('unique pre-check (exact distinct count of a dense integer column)', () => {
  it('gives dbt’s statuses and failure counts, and answers dense integer columns without dbt’s GROUP BY', async () => {
    const { result: fast, sent } = await recordQueries(project, () => project.test());
    expect(outcomes(fast)).toEqual(EXPECTED);
    expect(outcomes(await project.test({ batchTests: false }))).toEqual(EXPECTED);

    const bitmaps = sent.filter((q) => q.includes('groupBitmap('));
    const dbtQueries = sent.filter((q) => q.includes('as unique_field'));
    const groupedOn = (col: string) => dbtQueries.some((q) => q.includes(`select ${col} as unique_field`));
    // id (×3, one with `where`), signed sid and Nullable nid are decided by the bitmap; dup's bitmap finds
    // duplicates, so dbt's query then gives the exact count; dup with `where` has under 1M values
    // the extremes of UInt64 and Int64 too; u16 (65,536 values, each repeated) goes on to dbt's query
    expect(bitmaps).toHaveLength(9);
    expect(bitmaps.some((q) => q.includes('WHERE (id < 1100000'))).toBe(true);
    for (const col of ['sid', 'nid', 'top_u64', 'bottom_i64']) expect(groupedOn(col)).toBe(false);
    // duplicates found → dbt's query gives the exact count; sparse values, strings and views go straight to it
    for (const col of ['dup', 'u16', 'sparse', 's']) expect(groupedOn(col)).toBe(true);
    expect(dbtQueries.filter((q) => q.includes('select id as unique_field'))).toHaveLength(1); // the view's test only
  }, 60_000);

  it('errors where dbt’s query errors: an ALIAS column under `where`, a `where` ending in a comment', async () => {
    const schema = project.target.schema;
    await (await project.adapter()).client.command(`ALTER TABLE \`${schema}\`.big ADD COLUMN IF NOT EXISTS id_alias UInt64 ALIAS id`);
    const extra = `    tests:
      - unique: {name: uq_alias_where, column_name: id_alias, config: {where: "id >= 0"}}
      - unique: {name: uq_comment_where, column_name: id, config: {where: "id >= 0 -- all of them"}}
`;
    p.write({ 'models/schema.yml': SCHEMA.replace('  - name: big\n', `  - name: big\n${extra}`) });
    const reopened = p.open();
    try {
      const fast = await reopened.test({ select: ['uq_alias_where', 'uq_comment_where'] });
      const single = await reopened.test({ select: ['uq_alias_where', 'uq_comment_where'], batchTests: false });
      expect(outcomes(fast)).toEqual(outcomes(single));
      expect(outcomes(fast)).toEqual({ uq_alias_where: ['error', undefined], uq_comment_where: ['error', undefined] });
    } finally {
      await reopened.close();
      p.write({ 'models/schema.yml': SCHEMA });
    }
  });

  it('leaves tests with a limit, fail_calc or stored failures to dbt’s query', async () => {
    const { result, sent } = await recordQueries(project, () => project.test({ select: ['unique_big_id'], storeFailures: true }));
    expect(outcomes(result)).toEqual({ unique_big_id: ['pass', 0] });
    expect(sent.filter((q) => q.includes('groupBitmap('))).toHaveLength(0);
  });
});
