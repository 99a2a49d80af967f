import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, type InlineProject } from '../../helpers/inline-project.js';
import { APPLY_PATHS, exec, fixSnapshotTimes, rows, sourceYaml, tablesOf, useApplyPath } from './snapshot-fixture.js';

/*
 * Snapshot strategies over several runs, after dbt-tests-adapter's simple_snapshot suite
 * (BaseSimpleSnapshot, BaseSnapshotCheck): `fact` holds ids 1–20 of a 30-row seed; each test
 * changes `fact`, snapshots again and checks which ids have a current and which a closed version.
 */
const SEED = `SELECT
  toInt32(number) AS id,
  concat('first', toString(number)) AS first_name,
  concat('last', toString(number)) AS last_name,
  if(number % 7 = 0, NULL, concat('user', toString(number), '@example.com')) AS email,
  toDateTime('2016-01-01 00:00:00', 'UTC') + number * 3600 AS updated_at
FROM numbers(1, 30)`;

const TIMESTAMP_SQL = `{% snapshot snapshot %}
    {{ config(target_schema=schema, unique_key='id', strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=True) }}
    select * from {{ source('raw', 'fact') }}
{% endsnapshot %}`;

const CHECK_SQL = `{% snapshot snapshot %}
    {{ config(target_schema=schema, unique_key='id', strategy='check', check_cols=['email']) }}
    select * from {{ source('raw', 'fact') }}
{% endsnapshot %}`;

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe.each(APPLY_PATHS)('snapshot strategies over several runs (%s)', (path) => {
  const setup = openedPerTest();

  async function start(snapshotSql: string, where = 'id BETWEEN 1 AND 20'): Promise<{ p: InlineProject; project: TsdbtProject }> {
    const { p, project } = setup({ 'models/sources.yml': sourceYaml(['fact']), 'snapshots/snapshot.sql': snapshotSql });
    await useApplyPath(project, path);
    await exec(project, `CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await exec(project, `CREATE TABLE ${p.schema}.seed ENGINE = MergeTree ORDER BY id AS ${SEED}`);
    await exec(project, `CREATE TABLE ${p.schema}.fact ENGINE = MergeTree ORDER BY id AS SELECT * FROM ${p.schema}.seed WHERE ${where}`);
    await snapshot(project);
    return { p, project };
  }

  async function snapshot(project: TsdbtProject) {
    const result = await project.snapshot();
    expectStatuses(result, { snapshot: 'success' });
    return result.results[0]!;
  }

  /** dbt-tests-adapter's _assert_results: every (id, is current) pair is one of the expected ones. */
  async function expectVersions(project: TsdbtProject, p: InlineProject, current: Iterable<number>, closed: Iterable<number>) {
    const got = await rows<{ id: number; current: number }>(project, `SELECT id, dbt_valid_to IS NULL AS current FROM ${p.schema}.snapshot ORDER BY id, current`);
    const want = [...[...current].map((id) => ({ id, current: 1 })), ...[...closed].map((id) => ({ id, current: 0 }))].sort((a, b) => a.id - b.id || a.current - b.current);
    expect(got.map((r) => ({ id: Number(r.id), current: Number(r.current) }))).toEqual(want);
  }

  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

  describe('timestamp strategy', () => {
    it('the first run makes every row a current version with dbt\'s columns and md5 scd id', async () => {
      const { p, project } = await start(TIMESTAMP_SQL);
      const cols = await rows<{ name: string; type: string }>(project, `DESCRIBE TABLE ${p.schema}.snapshot`);
      expect(cols.map((c) => c.name)).toEqual(['id', 'first_name', 'last_name', 'email', 'updated_at', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']);
      expect(cols.find((c) => c.name === 'dbt_valid_to')!.type).toBe("Nullable(DateTime('UTC'))");
      const [first] = await rows<Record<string, string>>(project, `SELECT * FROM ${p.schema}.snapshot WHERE id = 3`);
      // dbt's snapshot_hash_arguments: md5(coalesce(cast(id as varchar), '') || '|' || coalesce(cast(updated_at as varchar), ''))
      expect(first).toMatchObject({ dbt_scd_id: md5('3|2016-01-01 03:00:00'), dbt_updated_at: '2016-01-01 03:00:00', dbt_valid_from: '2016-01-01 03:00:00', dbt_valid_to: null });
      await expectVersions(project, p, range(1, 20), []);
    });

    it('captures updates: the old version closes at the new updated_at, the new one opens there', async () => {
      const { p, project } = await start(TIMESTAMP_SQL);
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE updated_at = updated_at + INTERVAL 1 DAY WHERE id BETWEEN 16 AND 20`);
      expect((await snapshot(project)).message).toBe('OK 5 inserted, 5 closed');
      await expectVersions(project, p, range(1, 20), range(16, 20));
      expect(await rows(project, `SELECT dbt_valid_from, dbt_valid_to, dbt_scd_id FROM ${p.schema}.snapshot WHERE id = 17 ORDER BY dbt_valid_from`)).toEqual([
        { dbt_valid_from: '2016-01-01 17:00:00', dbt_valid_to: '2016-01-02 17:00:00', dbt_scd_id: md5('17|2016-01-01 17:00:00') },
        { dbt_valid_from: '2016-01-02 17:00:00', dbt_valid_to: null, dbt_scd_id: md5('17|2016-01-02 17:00:00') },
      ]);
      // No staging relation outlives the run.
      expect(await tablesOf(project, p.schema)).toEqual(['fact', 'seed', 'snapshot']);
    });

    it('captures inserts', async () => {
      const { p, project } = await start(TIMESTAMP_SQL);
      await exec(project, `INSERT INTO ${p.schema}.fact SELECT * FROM ${p.schema}.seed WHERE id BETWEEN 21 AND 30`);
      expect((await snapshot(project)).message).toBe('OK 10 inserted, 0 closed');
      await expectVersions(project, p, range(1, 30), []);
    });

    it('captures hard deletes (invalidate_hard_deletes): closed at the snapshot time', async () => {
      const { p, project } = await start(TIMESTAMP_SQL);
      await fixSnapshotTimes(project, ['2030-05-01 10:00:00.123456']);
      await exec(project, `DELETE FROM ${p.schema}.fact WHERE id BETWEEN 16 AND 20`);
      expect((await snapshot(project)).message).toBe('OK 0 inserted, 5 closed');
      await expectVersions(project, p, range(1, 15), range(16, 20));
      expect(await rows(project, `SELECT DISTINCT toString(dbt_valid_to) AS t FROM ${p.schema}.snapshot WHERE id >= 16`)).toEqual([{ t: '2030-05-01 10:00:00' }]);
    });

    it('captures rows that come back after deletion as new current versions', async () => {
      const { p, project } = await start(TIMESTAMP_SQL);
      await exec(project, `DELETE FROM ${p.schema}.fact WHERE id BETWEEN 16 AND 20`);
      await snapshot(project);
      await exec(project, `INSERT INTO ${p.schema}.fact SELECT * FROM ${p.schema}.seed WHERE id BETWEEN 16 AND 18`);
      expect((await snapshot(project)).message).toBe('OK 3 inserted, 0 closed');
      await expectVersions(project, p, range(1, 18), range(16, 20));
    });

    it('adds a new column of the query; rows change only when updated_at does', async () => {
      const { p, project } = await start(TIMESTAMP_SQL);
      await exec(project, `ALTER TABLE ${p.schema}.fact ADD COLUMN full_name Nullable(String)`);
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE full_name = concat(first_name, ' ', last_name), updated_at = updated_at + INTERVAL 1 DAY WHERE id BETWEEN 11 AND 20`);
      await snapshot(project);
      await expectVersions(project, p, range(1, 20), range(11, 20));
      expect(await rows(project, `SELECT id, full_name FROM ${p.schema}.snapshot WHERE id IN (3, 12) ORDER BY id, dbt_valid_from`)).toEqual([
        { id: 3, full_name: null },
        { id: 12, full_name: null },
        { id: 12, full_name: 'first12 last12' },
      ]);
    });

    it('a run with nothing changed writes nothing', async () => {
      const { p, project } = await start(TIMESTAMP_SQL);
      const before = await rows(project, `SELECT * FROM ${p.schema}.snapshot ORDER BY id`);
      expect((await snapshot(project)).message).toBe('OK 0 inserted, 0 closed');
      expect(await rows(project, `SELECT * FROM ${p.schema}.snapshot ORDER BY id`)).toEqual(before);
    });

    it("ignores hard deletes by default (hard_deletes: ignore): a deleted row's version stays current", async () => {
      const { p, project } = await start(TIMESTAMP_SQL.replace(', invalidate_hard_deletes=True', ''));
      await exec(project, `DELETE FROM ${p.schema}.fact WHERE id BETWEEN 16 AND 20`);
      expect((await snapshot(project)).message).toBe('OK 0 inserted, 0 closed');
      await expectVersions(project, p, range(1, 20), []);
    });
  });

  describe('check strategy', () => {
    it('versions only rows whose checked columns changed (dbt-tests-adapter BaseSnapshotCheck)', async () => {
      const { p, project } = await start(CHECK_SQL);
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE last_name = substring(last_name, 1, 3) WHERE id BETWEEN 1 AND 10`);
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE email = substring(ifNull(email, 'x'), 1, 3) WHERE id BETWEEN 6 AND 15`);
      await snapshot(project);
      await expectVersions(project, p, range(1, 20), range(6, 15));
    });

    it('treats NULL against a value as a change and NULL against NULL as none', async () => {
      // email is NULL for ids 7 and 14.
      const { p, project } = await start(CHECK_SQL);
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE email = NULL WHERE id IN (3, 7)`);
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE email = 'back@example.com' WHERE id = 14`);
      expect((await snapshot(project)).message).toBe('OK 2 inserted, 2 closed');
      await expectVersions(project, p, range(1, 20), [3, 14]);
    });

    it('valid_from and the closing valid_to are the snapshot time; the scd id hashes the key and that time', async () => {
      const { p, project } = await start(CHECK_SQL);
      await fixSnapshotTimes(project, ['2031-01-02 03:04:05.678901']);
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE email = 'new@example.com' WHERE id = 5`);
      await snapshot(project);
      const versions = await rows<Record<string, string | null>>(project, `SELECT toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t, dbt_scd_id, email FROM ${p.schema}.snapshot WHERE id = 5 ORDER BY dbt_valid_from`);
      expect(versions[1]).toEqual({ f: '2031-01-02 03:04:05.678901', t: null, dbt_scd_id: md5('5|2031-01-02 03:04:05.678901'), email: 'new@example.com' });
      expect(versions[0]!.t).toBe('2031-01-02 03:04:05.678901');
    });

    it('with updated_at (dbt: check snapshots may set it), versions are dated by that column, not the snapshot time', async () => {
      const { p, project } = await start(CHECK_SQL.replace("check_cols=['email']", "check_cols=['email'], updated_at='updated_at'"));
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE email = 'new@example.com', updated_at = toDateTime('2017-03-03 03:03:03', 'UTC') WHERE id = 5`);
      // updated_at alone moving is no change for check_cols=['email'].
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE updated_at = toDateTime('2017-04-04 04:04:04', 'UTC') WHERE id = 6`);
      expect((await snapshot(project)).message).toBe('OK 1 inserted, 1 closed');
      expect(await rows(project, `SELECT dbt_valid_from, dbt_valid_to, dbt_scd_id FROM ${p.schema}.snapshot WHERE id = 5 ORDER BY dbt_valid_from`)).toEqual([
        { dbt_valid_from: '2016-01-01 05:00:00', dbt_valid_to: '2017-03-03 03:03:03', dbt_scd_id: md5('5|2016-01-01 05:00:00') },
        { dbt_valid_from: '2017-03-03 03:03:03', dbt_valid_to: null, dbt_scd_id: md5('5|2017-03-03 03:03:03') },
      ]);
    });

    it("check_cols: all versions every row when the query gains a column (dbt's column_added), then only changes", async () => {
      const { p, project } = await start(CHECK_SQL.replace("check_cols=['email']", "check_cols='all'"));
      await exec(project, `ALTER TABLE ${p.schema}.fact UPDATE first_name = 'changed' WHERE id = 2`);
      await snapshot(project);
      await expectVersions(project, p, range(1, 20), [2]);
      await exec(project, `ALTER TABLE ${p.schema}.fact ADD COLUMN extra Nullable(String)`);
      expect((await snapshot(project)).message).toBe('OK 20 inserted, 20 closed');
      expect((await snapshot(project)).message).toBe('OK 0 inserted, 0 closed');
    });
  });
});
