import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';
import { atStatement, type Send } from '../../helpers/other-writer.js';

/*
 * The rebuild for new columns copies the table's rows as of a cut of its committed blocks (copy-carry.ts
 * blocksAtOrBelow), naming each partition with its block number. A table with ~6,000+ partitions (a string
 * partition key's ids are 32-character hashes) made that statement longer than max_query_size (256 KiB by
 * default): the model failed ("Max query size exceeded") where it built before the carry. Here the profile's
 * max_query_size is 16 KiB and the table has 800 partitions: the same overflow with fewer parts to write (a
 * statement tsdbt writes itself gets the size it needs, statement-settings.ts fitQuerySize). The profile also
 * lifts max_partitions_per_insert_block, as such a project's must (the copy writes every partition in one INSERT).
 * The carry of rows another writer put in every partition meanwhile names each too (copy-carry.ts insertBlocks).
 */
const setup = openedPerTest((p) => {
  const profiles = join(p.dir, 'profiles.yml');
  writeFileSync(profiles, readFileSync(profiles, 'utf8').replace(/threads: 4\n/, 'threads: 4\n      settings:\n        max_partitions_per_insert_block: 0\n        max_query_size: 16384\n'));
});
const PARTITIONS = 800;

const model = (config: string, v2: boolean) =>
  `{{ config(materialized='incremental', order_by='id', partition_by='k', ${config}) }}\n` +
  (v2 ? "select toUInt32(1) as id, 'p1' as k, 'B' as msg, 'x' as extra" : "select toUInt32(1) as id, 'p1' as k, 'a' as msg");

/** The table `m` with PARTITIONS partitions (rows inserted beside the model's, by another writer). */
async function manyPartitions(project: TsdbtProject, schema: string): Promise<void> {
  await (await project.adapter()).client.command(
    `INSERT INTO ${schema}.m (id, k, msg) SELECT toUInt32(number + 10), concat('k', toString(number)), 'old' FROM numbers(${PARTITIONS - 1})`,
  );
  const [row] = await queryRows<{ n: string }>(project, `SELECT uniqExact(partition_id) AS n FROM system.parts WHERE active AND database = '${schema}' AND table = 'm'`);
  expect(Number(row!.n)).toBe(PARTITIONS);
}

/** Runs `act(send)` right after the first statement of the build that `when` matches (`send`: another writer's statement). */
const after = (project: TsdbtProject, when: RegExp, act: (send: Send) => Promise<void>) => atStatement(project, when, (_, send) => act(send));

const COPY = /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__new` \([^)]*\) SELECT [^]*? FROM `[^`]+`\.`m`/;

const summary = (project: TsdbtProject, schema: string) =>
  queryRows(project, `SELECT count() AS n, countIf(msg = 'old') AS old, countIf(msg = 'direct') AS direct, uniqExact(id) AS ids FROM ${schema}.m`);

describe(`a block cut over ${PARTITIONS.toLocaleString('en-US')} partitions`, () => {
  it('the rebuild for a new column copies every old row, and carries rows another writer put in every partition meanwhile', async () => {
    const { p, project } = setup({ 'models/m.sql': model("incremental_strategy='append', on_schema_change='append_new_columns'", false) });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    await manyPartitions(project, p.schema);
    p.write({ 'models/m.sql': model("incremental_strategy='append', on_schema_change='append_new_columns'", true) });
    const next = setup.reopen(p);
    // Rows INSERTed into each partition after the old rows were copied: carried (above the cut of every partition).
    await after(next, COPY, async (send) => {
      await send(`INSERT INTO ${p.schema}.m (id, k, msg) SELECT toUInt32(number + 100000), concat('k', toString(number)), 'direct' FROM numbers(${PARTITIONS - 1})`);
    });
    const r = await next.run();
    expect(r.results[0]!.message).not.toMatch(/max query size/i);
    expect(statuses(r)).toEqual({ m: 'success' });
    expect(await summary(next, p.schema)).toEqual([{ n: String(2 * PARTITIONS), old: String(PARTITIONS - 1), direct: String(PARTITIONS - 1), ids: String(2 * PARTITIONS - 1) }]);
  }, 300_000);
});
