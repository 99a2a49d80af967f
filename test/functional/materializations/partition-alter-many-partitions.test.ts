import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';

/*
 * A run that replaces many partitions writes statements that name each one: the partition ALTER (a REPLACE, DROP or
 * MOVE clause per partition, partition-replace.ts), the mark written before it (a table comment listing them), the
 * look at their parts (system.parts … partition_id IN (…)). At ~3,000 partitions (~80 characters a clause) they passed
 * max_query_size (256 KiB by default) and the model failed ("Max query size exceeded"). Here the profile's
 * max_query_size is 16 KiB and a run replaces 400 partitions: the same overflow with fewer partitions (a statement
 * tsdbt writes itself gets the size it needs, statement-settings.ts fitQuerySize). The profile also lifts
 * max_partitions_per_insert_block, as such a project's must.
 */
const setup = openedPerTest((p) => {
  const profiles = join(p.dir, 'profiles.yml');
  writeFileSync(profiles, readFileSync(profiles, 'utf8').replace(/threads: 4\n/, 'threads: 4\n      settings:\n        max_partitions_per_insert_block: 0\n        max_query_size: 16384\n'));
});
const PARTITIONS = 400;

const model = (strategy: string) =>
  `{{ config(materialized='incremental', ${strategy}, order_by='id', partition_by='k') }}\n` +
  `select toUInt32(number) as id, concat('k', toString(number)) as k, {% if is_incremental() %}'new'{% else %}'old'{% endif %} as msg from numbers(${PARTITIONS})`;

describe(`an incremental run replacing ${PARTITIONS} partitions`, () => {
  for (const strategy of ["incremental_strategy='insert_overwrite'", "incremental_strategy='delete+insert', unique_key='id'"]) {
    it(`${strategy}: every partition replaced, no statement too long`, async () => {
      const { p, project } = setup({ 'models/m.sql': model(strategy) });
      expect(statuses(await project.run())).toEqual({ m: 'success' });
      const r = await project.run();
      expect(r.results[0]!.message).not.toMatch(/max query size/i);
      expect(statuses(r)).toEqual({ m: 'success' });
      expect(await queryRows(project, `SELECT count() AS n, countIf(msg = 'new') AS new FROM ${p.schema}.m`)).toEqual([{ n: String(PARTITIONS), new: String(PARTITIONS) }]);
    }, 300_000);
  }
});
