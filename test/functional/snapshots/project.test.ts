import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDocs, ProjectError, TsdbtProject } from '../../../packages/core/src/index.js';
import { finished, started } from '../../helpers/events.js';
import { expectStatuses, inlineProject, openedPerTest } from '../../helpers/inline-project.js';
import { exec, rows } from './snapshot-fixture.js';

const ORDERS = "{{ config(materialized='table') }}\nselect toInt32(number) as id, 'placed' as status, toDateTime('2024-01-01 00:00:00') + number as updated_at from numbers(1, 4)";

/** Load errors carry a code, a file and a line (thrown by TsdbtProject.open). */
function loadError(files: Record<string, string>): ProjectError {
  const p = inlineProject(files);
  try {
    TsdbtProject.open({ projectDir: p.dir });
  } catch (error) {
    return error as ProjectError;
  } finally {
    p.cleanup();
  }
  throw new Error('expected the project to fail loading');
}

describe('snapshots in a project', () => {
  const setup = openedPerTest();

  it('reads legacy blocks (several per file) and YAML snapshots with relation:, with dbt fqns and unique ids', () => {
    const { project } = setup({
      'models/orders.sql': ORDERS,
      'snapshots/shop.sql': [
        '{# a comment mentioning {% snapshot nope %} is not a block #}',
        '{% snapshot orders_snapshot %}',
        "{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}",
        "select * from {{ ref('orders') }}",
        '{% endsnapshot %}',
        '',
        '{% snapshot orders_check %}',
        "{{ config(unique_key='id', strategy='check', check_cols='all') }}",
        "select * from {{ ref('orders') }}",
        '{% endsnapshot %}',
      ].join('\n'),
      'snapshots/snapshots.yml': "snapshots:\n  - name: orders_yaml\n    relation: ref('orders')\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: [status]\n",
      'models/more/raw.yml': "version: 2\nsources:\n  - name: shop\n    tables: [{name: customers}]\nsnapshots:\n  - name: customers_yaml\n    relation: \"{{ source('shop', 'customers') }}\"\n    config: {unique_key: id, strategy: check, check_cols: all}\n",
    });
    const fromSource = project.node('snapshot.proj.customers_yaml');
    expect([fromSource.fqn.join('.'), fromSource.dependsOn, (fromSource as { rawCode: string }).rawCode]).toEqual([
      'proj.more.customers_yaml',
      ['source.proj.shop.customers'],
      "select * from {{ source('shop', 'customers') }}",
    ]);
    const snaps = project.select({ resourceTypes: ['snapshot'], exclude: ['customers_yaml'] }).map((id) => project.node(id));
    expect(snaps.map((n) => [n.uniqueId, n.fqn.join('.'), n.originalFilePath, n.line])).toEqual([
      ['snapshot.proj.orders_check', 'proj.shop.orders_check', 'snapshots/shop.sql', 7],
      ['snapshot.proj.orders_snapshot', 'proj.shop.orders_snapshot', 'snapshots/shop.sql', 2],
      ['snapshot.proj.orders_yaml', 'proj.orders_yaml', 'snapshots/snapshots.yml', 2],
    ]);
    expect(snaps.every((n) => n.dependsOn.join() === 'model.proj.orders')).toBe(true);
    expect(project.select({ select: ['resource_type:snapshot'] })).toHaveLength(4);
    expect(project.select({ select: ['path:snapshots/snapshots.yml'] })).toEqual(['snapshot.proj.orders_yaml']);
  });

  it('names the relation as dbt: target_schema as written, else schema through generate_schema_name; alias', () => {
    const { p, project } = setup({
      'models/orders.sql': ORDERS,
      'project.yml': 'name: proj\nprofile: proj\nsnapshots:\n  proj:\n    +strategy: timestamp\n    +updated_at: updated_at\n    +unique_key: id\n    legacy:\n      +target_schema: snapshots_legacy\n',
      'snapshots/legacy/a.sql': "{% snapshot a %}select * from {{ ref('orders') }}{% endsnapshot %}",
      'snapshots/b.sql': "{% snapshot b %}{{ config(schema='history', alias='b_history') }}select * from {{ ref('orders') }}{% endsnapshot %}",
    });
    expect(project.node('snapshot.proj.a').relation).toEqual({ schema: 'snapshots_legacy', identifier: 'a' });
    expect(project.node('snapshot.proj.b').relation).toEqual({ schema: `${p.schema}_history`, identifier: 'b_history' });
  });

  it('build runs the snapshot after what it reads and before models that ref() it; data tests on its columns run after it', async () => {
    const { p, project } = setup({
      'models/orders.sql': ORDERS,
      'models/current_orders.sql': "select id, status from {{ ref('orders_snapshot') }} where dbt_valid_to is null",
      'snapshots/orders.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}",
      'snapshots/schema.yml': 'snapshots:\n  - name: orders_snapshot\n    columns:\n      - name: dbt_scd_id\n        tests: [unique, not_null]\n',
    });
    const result = await project.build();
    expectStatuses(result, {
      orders: 'success',
      orders_snapshot: 'success',
      current_orders: 'success',
      unique_orders_snapshot_dbt_scd_id: 'pass',
      not_null_orders_snapshot_dbt_scd_id: 'pass',
    });
    const ev = p.events;
    expect(finished(ev, 'orders')).toBeLessThan(started(ev, 'orders_snapshot'));
    expect(finished(ev, 'orders_snapshot')).toBeLessThan(started(ev, 'current_orders'));
    expect(finished(ev, 'unique_orders_snapshot_dbt_scd_id')).toBeLessThan(started(ev, 'current_orders'));
    expect(await rows(project, `SELECT count() AS n FROM ${p.schema}.current_orders`)).toEqual([{ n: '4' }]);
    expect(result.results.find((r) => r.node.name === 'orders_snapshot')!.message).toBe('OK 4 rows');
  });

  it('run leaves snapshots alone; snapshot runs only snapshots; both write dbt artifacts', async () => {
    const { p, project } = setup({
      'models/orders.sql': ORDERS,
      'snapshots/orders.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols=['status']) }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}",
    });
    expectStatuses(await project.run(), { orders: 'success' });
    const snap = await project.snapshot();
    expectStatuses(snap, { orders_snapshot: 'success' });
    const runResults = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8'));
    expect(runResults.args.which).toBe('snapshot');
    expect(runResults.results).toEqual([expect.objectContaining({ unique_id: 'snapshot.proj.orders_snapshot', status: 'success', message: 'OK 4 rows' })]);
    const manifest = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['snapshot.proj.orders_snapshot']).toMatchObject({
      resource_type: 'snapshot',
      fqn: ['proj', 'orders', 'orders_snapshot'],
      config: { materialized: 'snapshot', strategy: 'check', unique_key: 'id', check_cols: ['status'] },
      depends_on: { nodes: ['model.proj.orders'] },
      relation_name: `\`${p.schema}\`.\`orders_snapshot\``,
    });
    expect(manifest.parent_map['snapshot.proj.orders_snapshot']).toEqual(['model.proj.orders']);
    expect(existsSync(join(p.dir, 'target/compiled/proj/snapshots/orders.sql'))).toBe(true);
    // docs generate: the snapshot's table and columns in catalog.json, the node in the site's manifest.
    const docs = await generateDocs(project);
    expect(Object.keys(docs.catalog.nodes['snapshot.proj.orders_snapshot']!.columns)).toEqual(['id', 'status', 'updated_at', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']);
    expect(readFileSync(join(p.dir, 'target/index.html'), 'utf8')).toContain('Snapshots');
  });

  it('--empty: a first run creates the empty table with its columns; an existing snapshot is never changed by it', async () => {
    const { p, project } = setup({
      'models/orders.sql': ORDERS,
      'snapshots/orders.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}",
    });
    await project.run();
    expectStatuses(await project.snapshot({ empty: true }), { orders_snapshot: 'success' });
    expect(await rows(project, `SELECT count() AS n FROM ${p.schema}.orders_snapshot`)).toEqual([{ n: '0' }]);
    expect((await rows<{ name: string }>(project, `DESCRIBE TABLE ${p.schema}.orders_snapshot`)).map((c) => c.name)).toContain('dbt_valid_to');
    await exec(project, `DROP TABLE ${p.schema}.orders_snapshot`);
    await project.snapshot();
    const before = await rows(project, `SELECT * FROM ${p.schema}.orders_snapshot ORDER BY id`);
    // An empty query with hard_deletes would close every version: --empty leaves the history alone.
    const empty = await project.snapshot({ empty: true });
    expect(empty.results[0]!.message).toBe('OK 0 inserted, 0 closed (--empty: the existing snapshot is left as it is)');
    expect(await rows(project, `SELECT * FROM ${p.schema}.orders_snapshot ORDER BY id`)).toEqual(before);
  });

  it("continues a snapshot table dbt-clickhouse built (UInt64 halfMD5 dbt_scd_id, DateTime times)", async () => {
    const { p, project } = setup({
      'models/orders.sql': ORDERS,
      'snapshots/orders.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols=['status']) }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}",
    });
    await project.run();
    // What dbt-clickhouse's build_snapshot_table leaves: halfMD5 ids, now() (seconds) times.
    await exec(project, `CREATE TABLE ${p.schema}.orders_snapshot ENGINE = MergeTree ORDER BY tuple() AS SELECT *, halfMD5(concat(toString(id), '|', toString(toDateTime('2025-01-01 00:00:00')))) AS dbt_scd_id, toDateTime('2025-01-01 00:00:00') AS dbt_updated_at, toDateTime('2025-01-01 00:00:00') AS dbt_valid_from, CAST(NULL AS Nullable(DateTime)) AS dbt_valid_to FROM ${p.schema}.orders`);
    await exec(project, `ALTER TABLE ${p.schema}.orders UPDATE status = 'shipped' WHERE id = 2`);
    expect((await project.snapshot()).results[0]!.message).toBe('OK 1 inserted, 1 closed');
    const versions = await rows<{ scd: string; t: string; current: number }>(project, `SELECT toTypeName(dbt_scd_id) AS scd, toTypeName(dbt_valid_from) AS t, dbt_valid_to IS NULL AS current FROM ${p.schema}.orders_snapshot WHERE id = 2 ORDER BY dbt_valid_from`);
    expect(versions).toEqual([
      { scd: 'UInt64', t: 'DateTime', current: 0 },
      { scd: 'UInt64', t: 'DateTime', current: 1 },
    ]);
  });

  it('compile writes the snapshot query', async () => {
    const { p, project } = setup({
      'models/orders.sql': ORDERS,
      'snapshots/orders.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}",
    });
    const compiled = await project.compile({ select: ['orders_snapshot'] });
    expect(compiled.map((c) => c.sql)).toEqual([`select * from \`${p.schema}\`.\`orders\``]);
  });

  it('fails on a view in the way and on a table that is not a snapshot (dbt: "Snapshot target is missing configured columns")', async () => {
    const { p, project } = setup({
      'models/orders.sql': ORDERS,
      'snapshots/orders.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}",
    });
    await project.run();
    await exec(project, `CREATE TABLE ${p.schema}.orders_snapshot (id Int32) ENGINE = MergeTree ORDER BY id`);
    const result = await project.snapshot();
    expectStatuses(result, { orders_snapshot: 'error' });
    expect(result.results[0]!.message).toContain('Snapshot target is missing configured columns (missing "dbt_scd_id", "dbt_valid_from", "dbt_valid_to")');
    await exec(project, `DROP TABLE ${p.schema}.orders_snapshot`);
    await exec(project, `CREATE VIEW ${p.schema}.orders_snapshot AS SELECT 1 AS id`);
    const again = await project.snapshot();
    expect(again.results[0]!.message).toContain('is a view, not a table');
    expect(await rows(project, `SELECT engine FROM system.tables WHERE database = '${p.schema}' AND name = 'orders_snapshot'`)).toEqual([{ engine: 'View' }]);
  });
});

describe('snapshot config errors (dbt SnapshotConfig.final_validate) name the file and line', () => {
  const block = (config: string) => `select 1\n{% snapshot s %}\n{{ config(${config}) }}\nselect 1 as id\n{% endsnapshot %}\n`;

  it.each([
    ["unique_key='id'", "Snapshots must be configured with a 'strategy' and 'unique_key'", 2],
    ["strategy='check', unique_key='id'", 'check strategy must specify a check_cols', 2],
    ["strategy='check', unique_key='id', check_cols='email'", "Invalid value for 'check_cols': email", 3],
    ["strategy='timestamp', unique_key='id'", 'timestamp strategy must specify an updated_at', 2],
    ["strategy='timestamp', unique_key='id', updated_at='u', check_cols=['a']", "A 'timestamp' snapshot should not have 'check_cols'", 3],
    ["strategy='timestamp', unique_key='id', updated_at='u', hard_deletes='forget'", "Invalid setting for property hard_deletes: 'forget'", 3],
    ["strategy='timestamp', unique_key='id', updated_at='u', hard_deletes='invalidate', invalidate_hard_deletes=true", 'cannot set both the invalidate_hard_deletes and hard_deletes', 3],
    // An unknown strategy (a custom macro's) is not a load error: that snapshot fails when it runs,
    // as dbt resolves strategies at run time (core-suite/snapshots.test.ts test_invalid_namespace).
  ])('config(%s)', (config, message, line) => {
    const error = loadError({ 'snapshots/s.sql': block(config) });
    expect(error).toBeInstanceOf(ProjectError);
    expect(error.message).toContain(message);
    expect([error.file, error.line]).toEqual(['snapshots/s.sql', line]);
  });

  it('an unclosed block, and a YAML relation that is not ref()/source()', () => {
    const open = loadError({ 'snapshots/s.sql': '\n{% snapshot s %}\nselect 1' });
    expect([open.message, open.file, open.line]).toEqual(["snapshots/s.sql:2: snapshot 's' is never closed", 'snapshots/s.sql', 2]);
    const yaml = loadError({ 'snapshots/s.yml': "snapshots:\n  - name: s\n    relation: orders\n    config: {unique_key: id, strategy: check, check_cols: all}\n" });
    expect(yaml.message).toContain('relation must be a ref() or source() call');
    expect([yaml.file, yaml.line]).toEqual(['snapshots/s.yml', 2]);
  });
});
