import { afterAll, describe, expect, it } from 'vitest';
import { inlineProject, queryRows, statuses, WAREHOUSE_DIR } from '../../helpers/inline-project.js';

/*
 * ClickHouse runs an ALTER's partition clauses one after the other: `REPLACE PARTITION 1 …, REPLACE
 * PARTITION 2 …` with partition 2 above max_partition_size_to_drop replaced partition 1 and then failed.
 * An insert_overwrite run over both left the table half new — and, with `where v > max(v)`, the next
 * run skipped partition 2's new rows for good. The limit is checked before the ALTER now: nothing changes.
 */
describe('a partition replacement ClickHouse would refuse halfway', () => {
  const model = `{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='p', order_by='v') }}
select p, v from {{ this.schema }}.events
{% if is_incremental() %}where v > (select max(v) from {{ this }}){% endif %}`;
  const p = inlineProject({ 'models/inc.sql': model });
  afterAll(() => p.cleanup());

  it('changes no partition and says which one is too large and what to do', async () => {
    let project = p.open();
    const sql = async (s: string) => (await project.adapter()).client.command(s);
    await (await project.adapter()).ensureDatabase(p.schema);
    await sql(`CREATE TABLE ${p.schema}.events (p UInt8, v UInt64) ENGINE = MergeTree ORDER BY v`);
    await sql(`INSERT INTO ${p.schema}.events SELECT 2, number FROM numbers(5)`);
    expect(statuses(await project.run({ select: ['inc'] }))).toEqual({ inc: 'success' });
    // New rows for a new partition (1) and for the existing one (2).
    await sql(`INSERT INTO ${p.schema}.events SELECT if(number < 3, 1, 2), 100 + number FROM numbers(6)`);
    await project.close();
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${p.schema}\n      threads: 4\n      settings:\n        max_partition_size_to_drop: 1\n` });
    project = p.open();
    try {
      const result = await project.run({ select: ['inc'] });
      expect(statuses(result)).toEqual({ inc: 'error' });
      // Without the check: partition 1 held its 3 new rows, partition 2 its old 5.
      expect(await queryRows(project, `SELECT p, count() AS n FROM ${p.schema}.inc GROUP BY p ORDER BY p`)).toEqual([{ p: 2, n: '5' }]);
      const message = result.results[0]!.message;
      expect(message).toContain('max_partition_size_to_drop');
      expect(message).toMatch(/Partition 2 \(/);
      expect(message).toContain('Nothing was changed');
    } finally {
      await project.close();
    }
  });
});
