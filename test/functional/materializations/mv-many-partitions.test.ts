import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';

/*
 * A materialized view's build names each partition of the tables it cuts: the ATTACH lists copying a source's or the
 * target's parts at the cut (mv-unit.ts, view-refresh-check.ts), the move of a counted backfill (direct-inserts.ts
 * moveRows), and the backfill's filter below the cut of a source read through additional_table_filters (cutoff.ts
 * cutFilter). With thousands of partitions they passed max_query_size (256 KiB by default) and the build failed ("Max
 * query size exceeded") as the rebuild's copy did before 3e5e1ff. Here the profile's max_query_size is 16 KiB and the
 * tables have 250 partitions (a string key: 32-character ids; an ATTACH list of ~20 KiB, two sources' filters ~19 KiB),
 * 450 where one source's filter alone must pass it: the same overflow with fewer partitions.
 */
const setup = openedPerTest((p) => {
  const profiles = join(p.dir, 'profiles.yml');
  writeFileSync(profiles, readFileSync(profiles, 'utf8').replace(/threads: 4\n/, 'threads: 4\n      settings:\n        max_partitions_per_insert_block: 0\n        max_query_size: 16384\n'));
});
const PARTITIONS = 250;
/** Enough for one source's cut filter (~39 characters a partition) to pass 16 KiB. */
const FILTERED = 450;

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n      - name: clicks\n';
const ACTIVITY = "{{ config(materialized='table', order_by='id', partition_by='k') }}\nselect toUInt32(0) as id, '' as k, '' as src where 0";
const feeds = (table: string, v = 'src') => `{{ config(materialized='materialized_view', target=ref('activity')) }}\nselect id, k, '${table}' as ${v} from {{ source('raw', '${table}') }}`;

/** The source tables, each with `n` partitions of one row (ids from `base`). */
async function sourcesWithRows(project: TsdbtProject, schema: string, n = PARTITIONS): Promise<void> {
  const client = (await project.adapter()).client;
  await client.command(`CREATE DATABASE IF NOT EXISTS ${schema}`);
  for (const [t, base] of [['events', 0], ['clicks', 100_000]] as const) {
    await client.command(`CREATE TABLE ${schema}.${t} (id UInt32, k String) ENGINE = MergeTree PARTITION BY k ORDER BY id`);
    await client.command(`INSERT INTO ${schema}.${t} SELECT toUInt32(number + ${base}), concat('k', toString(number)) FROM numbers(${n}) SETTINGS max_partitions_per_insert_block = 0`);
  }
}

const summary = (project: TsdbtProject, table: string) => queryRows(project, `SELECT src, count() AS n, uniqExact(k) AS ks FROM ${table} GROUP BY src ORDER BY src`);
const noOverflow = (r: Awaited<ReturnType<TsdbtProject['run']>>) => expect(r.results.map((x) => x.message ?? '').join('\n')).not.toMatch(/max query size/i);

describe(`materialized views over ${PARTITIONS} (or ${FILTERED}) partitions`, () => {
  it("a view with its own target, built with its history: the source's parts at the cut copied in one ATTACH list", async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES });
    await sourcesWithRows(project, p.schema);
    p.write({ 'models/copy.sql': "{{ config(materialized='materialized_view', order_by='id', partition_by='k') }}\nselect id, k, 'events' as src from {{ source('raw', 'events') }}" });
    const r = await setup.reopen(p).run();
    noOverflow(r);
    expect(statuses(r)).toEqual({ copy: 'success' });
    expect(await summary(project, `${p.schema}.copy`)).toEqual([{ src: 'events', n: String(PARTITIONS), ks: String(PARTITIONS) }]);
  }, 600_000);

  it('a view whose SQL names its source unquoted: its history read below the cut through additional_table_filters', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES });
    await sourcesWithRows(project, p.schema, FILTERED);
    p.write({ 'models/copy.sql': "{{ config(materialized='materialized_view', order_by='id', partition_by='k') }}\nselect id, k, 'events' as src from {{ target.schema }}.events" });
    const r = await setup.reopen(p).run();
    noOverflow(r);
    expect(statuses(r)).toEqual({ copy: 'success' });
    expect(await summary(project, `${p.schema}.copy`)).toEqual([{ src: 'events', n: String(FILTERED), ks: String(FILTERED) }]);
  }, 600_000);

  it("a view added with its history to a table model another view fills: the target's rows and the source's parts at the cut copied", async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': ACTIVITY });
    await sourcesWithRows(project, p.schema);
    p.write({ 'models/events_mv.sql': feeds('events') });
    expect(statuses(await setup.reopen(p).run())).toEqual({ activity: 'success', events_mv: 'success' });
    p.write({ 'models/clicks_mv.sql': feeds('clicks') });
    const r = await setup.reopen(p).run();
    noOverflow(r);
    expect(statuses(r)).toEqual({ activity: 'success', events_mv: 'success', clicks_mv: 'success' });
    expect(await summary(project, `${p.schema}.activity`)).toEqual([
      { src: 'clicks', n: String(PARTITIONS), ks: String(PARTITIONS) },
      { src: 'events', n: String(PARTITIONS), ks: String(PARTITIONS) },
    ]);
  }, 600_000);

  it('--full-refresh of one view into a shared table: the check copies the table at the cut, the recompute reads below it', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': ACTIVITY, 'models/events_mv.sql': feeds('events'), 'models/clicks_mv.sql': feeds('clicks') });
    await sourcesWithRows(project, p.schema);
    expect(statuses(await setup.reopen(p).run())).toEqual({ activity: 'success', events_mv: 'success', clicks_mv: 'success' });
    p.write({ 'models/events_mv.sql': feeds('events').replace("'events' as src", "upper('events') as src") });
    const r = await setup.reopen(p).run({ fullRefresh: true, select: ['events_mv'] });
    noOverflow(r);
    expect(statuses(r)).toEqual({ events_mv: 'success' });
    expect(await summary(project, `${p.schema}.activity`)).toEqual([
      { src: 'EVENTS', n: String(PARTITIONS), ks: String(PARTITIONS) },
      { src: 'clicks', n: String(PARTITIONS), ks: String(PARTITIONS) },
    ]);
  }, 600_000);
});
