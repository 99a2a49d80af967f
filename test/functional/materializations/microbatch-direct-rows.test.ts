import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';
import { atStatement } from '../../helpers/other-writer.js';

/*
 * A microbatch batch whose partitions are coarser than the batch (daily batches, monthly partitions) rebuilds them
 * beside the table (the batch's rows plus the partitions' other rows) and puts them in place with REPLACE PARTITION.
 * A row another writer INSERTs into such a partition while its other rows are copied must not be dropped by the
 * REPLACE: it is carried in (copy-carry.ts), as if inserted right after the batch. The writer is this test, at a
 * chosen statement of the build (a condition, not timing).
 */
const setup = openedPerTest();

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n        config:\n          event_time: ts\n';
const MODEL = "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2024-01-01', order_by='id', partition_by='toYYYYMM(ts)') }}\nselect id, ts, v from {{ source('raw', 'events') }}";

/** The statement copying the replaced partitions' rows outside the batch into the batch's table. */
const COPY = /^\s*INSERT INTO `[^`]+`\.`mb__tsdbt_tmp_\w+` SELECT \* FROM `[^`]+`\.`mb` WHERE _partition_id IN/;

describe("microbatch: rows INSERTed into a batch's partition while its other rows are copied", () => {
  it('a row outside the batch in a replaced partition is kept (carried in)', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/mb.sql': MODEL });
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (id UInt64, ts DateTime, v String) ENGINE = MergeTree ORDER BY id');
    await sql("INSERT INTO $.events SELECT number, toDateTime('2024-01-01 00:00:00') + number * 8 * 3600, 'a' FROM numbers(15)");
    expectStatuses(await project.run({ eventTimeStart: '2024-01-01', eventTimeEnd: '2024-01-06' }), { mb: 'success' });
    const hit = await atStatement(project, COPY, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.mb (id, ts, v) VALUES (100, '2024-01-10 00:00:00', 'direct')`);
    });
    expectStatuses(await project.run({ eventTimeStart: '2024-01-03', eventTimeEnd: '2024-01-04' }), { mb: 'success' });
    expect(hit()).toBe(true);
    const rows = await queryRows<{ n: string; direct: string }>(project, `SELECT count() AS n, countIf(v = 'direct') AS direct FROM ${p.schema}.mb`);
    expect(rows).toEqual([{ n: '16', direct: '1' }]);
  });
});
