import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, WAREHOUSE_DIR, type InlineProject } from '../../helpers/inline-project.js';
import { APPLY_PATHS, exec, fixSnapshotTimes, rows, sourceYaml, useApplyPath } from './snapshot-fixture.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/*
 * hard_deletes: new_record, dbt_valid_to_current and snapshot_meta_column_names, after
 * dbt-tests-adapter's new_record_timestamp_mode / new_record_check_mode /
 * new_record_dbt_valid_to_current and test_various_configs. Config comes from the YAML entry of a
 * legacy block, as in those tests (a `snapshots:` entry without `relation:` patches the block).
 */
describe.each(APPLY_PATHS)('snapshot hard deletes and meta columns (%s)', (path) => {
  const setup = openedPerTest();

  async function start(block: string, yaml: string): Promise<{ p: InlineProject; project: TsdbtProject }> {
    const { p, project } = setup({ 'models/sources.yml': sourceYaml(['seed']), 'snapshots/snapshot.sql': block, 'models/snapshots.yml': yaml });
    await useApplyPath(project, path);
    await exec(project, `CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await exec(
      project,
      `CREATE TABLE ${p.schema}.seed (id Int32, first_name String, email Nullable(String), updated_at DateTime('UTC')) ENGINE = MergeTree ORDER BY id`,
    );
    await exec(
      project,
      `INSERT INTO ${p.schema}.seed SELECT toInt32(number), concat('name', toString(number)), if(number = 20, NULL, concat('u', toString(number), '@x.org')), toDateTime('2016-01-01 00:00:00', 'UTC') + number * 3600 FROM numbers(1, 20)`,
    );
    return { p, project };
  }

  async function snapshot(project: TsdbtProject): Promise<string> {
    const result = await project.snapshot();
    expectStatuses(result, { snapshot_actual: 'success' });
    return result.results[0]!.message;
  }

  const block = (config = '') => `{% snapshot snapshot_actual %}\n${config}\n    select * from {{ source('raw', 'seed') }}\n{% endsnapshot %}\n`;

  it('new_record (timestamp): deletion records, no duplicate on a repeated run, revival and a second deletion', async () => {
    const { p, project } = await start(
      block(`    {{ config(unique_key='id || ' ~ "'-'" ~ ' || first_name') }}`),
      'snapshots:\n  - name: snapshot_actual\n    config:\n      strategy: timestamp\n      updated_at: updated_at\n      hard_deletes: new_record\n',
    );
    await fixSnapshotTimes(project, ['2030-01-01 00:00:01.000000', '2030-01-01 00:00:02.000000', '2030-01-01 00:00:03.000000', '2030-01-01 00:00:04.000000', '2030-01-01 00:00:05.000000', '2030-01-01 00:00:06.000000', '2030-01-01 00:00:07.000000']);
    expect(await snapshot(project)).toBe('OK 20 rows');
    const first = await rows<Record<string, string | null>>(project, `SELECT id, dbt_scd_id, dbt_is_deleted, dbt_valid_to FROM ${p.schema}.snapshot_actual WHERE id = 4`);
    expect(first).toEqual([{ id: 4, dbt_scd_id: md5('4-name4|2016-01-01 04:00:00'), dbt_is_deleted: 'False', dbt_valid_to: null }]);

    await exec(project, `ALTER TABLE ${p.schema}.seed UPDATE updated_at = updated_at + INTERVAL 1 HOUR, email = concat('new_', ifNull(email, '')) WHERE id BETWEEN 10 AND 20`);
    expect(await snapshot(project)).toBe('OK 11 inserted, 11 closed');

    const id1 = () => rows<Record<string, string | null>>(project, `SELECT toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t, dbt_scd_id, dbt_is_deleted FROM ${p.schema}.snapshot_actual WHERE id = 1 ORDER BY dbt_valid_from, dbt_is_deleted`);
    await exec(project, `DELETE FROM ${p.schema}.seed WHERE id = 1`);
    expect(await snapshot(project)).toBe('OK 1 inserted, 1 closed');
    const original = md5('1-name1|2016-01-01 01:00:00');
    const deletion = md5(`${original}|2030-01-01 00:00:03.000000`);
    expect(await id1()).toEqual([
      { f: '2016-01-01 01:00:00', t: '2030-01-01 00:00:03', dbt_scd_id: original, dbt_is_deleted: 'False' },
      { f: '2030-01-01 00:00:03', t: null, dbt_scd_id: deletion, dbt_is_deleted: 'True' },
    ]);

    // The same data again: the deletion record is not duplicated, nothing closes.
    expect(await snapshot(project)).toBe('OK 0 inserted, 0 closed');
    expect(await id1()).toHaveLength(2);

    // The row comes back: the deletion record closes at its updated_at, a new version opens.
    await exec(project, `INSERT INTO ${p.schema}.seed VALUES (1, 'name1', '(not provided)', toDateTime('2100-01-01 12:00:00', 'UTC'))`);
    expect(await snapshot(project)).toBe('OK 1 inserted, 1 closed');
    expect(await id1()).toEqual([
      { f: '2016-01-01 01:00:00', t: '2030-01-01 00:00:03', dbt_scd_id: original, dbt_is_deleted: 'False' },
      { f: '2030-01-01 00:00:03', t: '2100-01-01 12:00:00', dbt_scd_id: deletion, dbt_is_deleted: 'True' },
      { f: '2100-01-01 12:00:00', t: null, dbt_scd_id: md5('1-name1|2100-01-01 12:00:00'), dbt_is_deleted: 'False' },
    ]);

    await exec(project, `DELETE FROM ${p.schema}.seed WHERE id = 1`);
    expect(await snapshot(project)).toBe('OK 1 inserted, 1 closed');
    expect(await id1()).toHaveLength(4);
    expect(await snapshot(project)).toBe('OK 0 inserted, 0 closed');
    expect(await id1()).toHaveLength(4);
    // Everything else is as dbt's snapshot_expected: ids 10–20 have a closed and a current version.
    expect(await rows(project, `SELECT count() AS n FROM ${p.schema}.snapshot_actual WHERE id BETWEEN 2 AND 20`)).toEqual([{ n: '30' }]);
  });

  it('new_record (check, dbt_valid_to_current): current versions carry the configured dbt_valid_to; a deletion is recorded once', async () => {
    const { p, project } = await start(
      block(),
      `snapshots:\n  - name: snapshot_actual\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: all\n      hard_deletes: new_record\n      dbt_valid_to_current: "toDateTime('2099-12-31 00:00:00', 'UTC')"\n`,
    );
    await snapshot(project);
    // check without updated_at: the times are the snapshot time's type (DateTime64(6)).
    expect(await rows(project, `SELECT DISTINCT toString(dbt_valid_to) AS t FROM ${p.schema}.snapshot_actual`)).toEqual([{ t: '2099-12-31 00:00:00.000000' }]);
    await exec(project, `DELETE FROM ${p.schema}.seed WHERE id = 1`);
    await snapshot(project);
    await snapshot(project);
    const deleted = await rows<{ dbt_is_deleted: string; t: string }>(project, `SELECT dbt_is_deleted, toString(dbt_valid_to) AS t FROM ${p.schema}.snapshot_actual WHERE id = 1 ORDER BY dbt_valid_from`);
    expect(deleted.map((r) => r.dbt_is_deleted)).toEqual(['False', 'True']);
    // The deletion record is current: it takes the deleted version's dbt_valid_to (the configured one).
    expect(deleted[1]!.t).toBe('2099-12-31 00:00:00.000000');
    expect(deleted[0]!.t).not.toBe('2099-12-31 00:00:00.000000');
    // An update still closes the current version (matched by dbt_valid_to_current, not IS NULL).
    await exec(project, `ALTER TABLE ${p.schema}.seed UPDATE email = 'changed' WHERE id = 2`);
    expect(await snapshot(project)).toBe('OK 1 inserted, 1 closed');
  });

  it('invalidate: a row deleted twice and back twice keeps one current version at a time', async () => {
    const { p, project } = await start(block(), 'snapshots:\n  - name: snapshot_actual\n    config: {unique_key: id, strategy: timestamp, updated_at: updated_at, hard_deletes: invalidate}\n');
    await snapshot(project);
    for (let i = 0; i < 2; i++) {
      await exec(project, `DELETE FROM ${p.schema}.seed WHERE id = 5`);
      expect(await snapshot(project)).toBe('OK 0 inserted, 1 closed');
      await exec(project, `INSERT INTO ${p.schema}.seed VALUES (5, 'name5', NULL, toDateTime('2017-01-01 00:00:00', 'UTC') + ${i})`);
      expect(await snapshot(project)).toBe('OK 1 inserted, 0 closed');
    }
    expect(await rows(project, `SELECT countIf(dbt_valid_to IS NULL) AS current, count() AS versions FROM ${p.schema}.snapshot_actual WHERE id = 5`)).toEqual([{ current: '1', versions: '3' }]);
  });

  it('check strategy, invalidate: a deleted key closes at the snapshot time, its return opens a new version', async () => {
    const { p, project } = await start(block(), 'snapshots:\n  - name: snapshot_actual\n    config: {unique_key: id, strategy: check, check_cols: [email], hard_deletes: invalidate}\n');
    await fixSnapshotTimes(project, ['2030-02-02 00:00:01.000000', '2030-02-02 00:00:02.000000', '2030-02-02 00:00:03.000000']);
    await snapshot(project);
    await exec(project, `DELETE FROM ${p.schema}.seed WHERE id = 9`);
    expect(await snapshot(project)).toBe('OK 0 inserted, 1 closed');
    await exec(project, `INSERT INTO ${p.schema}.seed VALUES (9, 'name9', 'u9@x.org', toDateTime('2016-01-01 09:00:00', 'UTC'))`);
    expect(await snapshot(project)).toBe('OK 1 inserted, 0 closed');
    expect(await rows(project, `SELECT toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t FROM ${p.schema}.snapshot_actual WHERE id = 9 ORDER BY dbt_valid_from`)).toEqual([
      { f: '2030-02-02 00:00:01.000000', t: '2030-02-02 00:00:02.000000' },
      { f: '2030-02-02 00:00:03.000000', t: null },
    ]);
  });

  it('gives the same history with join_use_nulls = 1 in the profile (outer joins then fill NULLs, not defaults)', async () => {
    const yaml = 'snapshots:\n  - name: snapshot_actual\n    config: {unique_key: id, strategy: timestamp, updated_at: updated_at, hard_deletes: new_record}\n';
    const histories: unknown[] = [];
    for (const settings of ['', '      settings: {join_use_nulls: 1}\n']) {
      const { p, project } = await start(block(), yaml);
      if (settings) {
        p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${p.schema}\n      threads: 4\n${settings}` });
      }
      const run = settings ? setup.reopen(p) : project;
      await useApplyPath(run, path);
      await fixSnapshotTimes(run, ['2030-03-03 00:00:01.000000', '2030-03-03 00:00:02.000000']);
      await snapshot(run);
      await exec(run, `DELETE FROM ${p.schema}.seed WHERE id IN (2, 3)`);
      await exec(run, `ALTER TABLE ${p.schema}.seed UPDATE updated_at = updated_at + INTERVAL 1 DAY WHERE id = 4`);
      expect(await snapshot(run)).toBe('OK 3 inserted, 3 closed');
      histories.push(await rows(run, `SELECT id, dbt_scd_id, toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t, dbt_is_deleted FROM ${p.schema}.snapshot_actual ORDER BY id, f, dbt_is_deleted`));
    }
    expect(histories[1]).toEqual(histories[0]);
  });

  it('snapshot_meta_column_names renames the meta columns; a composite unique_key matches on every part', async () => {
    const { p, project } = await start(
      block(),
      [
        'snapshots:',
        '  - name: snapshot_actual',
        '    config:',
        '      unique_key: [id, first_name]',
        '      strategy: check',
        '      check_cols: [email]',
        '      hard_deletes: new_record',
        '      snapshot_meta_column_names: {dbt_valid_from: valid_from, dbt_valid_to: valid_to, dbt_scd_id: scd_id, dbt_updated_at: updated_on, dbt_is_deleted: is_deleted}',
        '',
      ].join('\n'),
    );
    await snapshot(project);
    const names = (await rows<{ name: string }>(project, `DESCRIBE TABLE ${p.schema}.snapshot_actual`)).map((c) => c.name);
    expect(names.slice(4)).toEqual(['scd_id', 'updated_on', 'valid_from', 'valid_to', 'is_deleted']);
    // Same id, other first_name: a different key (a new row), and the old key is gone.
    await exec(project, `ALTER TABLE ${p.schema}.seed UPDATE first_name = 'renamed' WHERE id = 3`);
    await exec(project, `ALTER TABLE ${p.schema}.seed UPDATE email = 'e@x.org' WHERE id = 4`);
    expect(await snapshot(project)).toBe('OK 3 inserted, 2 closed');
    expect(await rows(project, `SELECT first_name, valid_to IS NULL AS current, is_deleted FROM ${p.schema}.snapshot_actual WHERE id = 3 ORDER BY first_name, valid_from`)).toEqual([
      { first_name: 'name3', current: 0, is_deleted: 'False' },
      { first_name: 'name3', current: 1, is_deleted: 'True' },
      { first_name: 'renamed', current: 1, is_deleted: 'False' },
    ]);
  });
});
