import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCatalog, catalogQuery, dashboardSpec, generateCatalog, generateDocs } from '../../../packages/core/src/docs/index.js';
import type { ManifestNode } from '../../../packages/core/src/index.js';
import { buildDocsProject, type DocsProject } from './docs-fixture.js';

let fx: DocsProject;
beforeAll(async () => {
  fx = await buildDocsProject();
});
afterAll(async () => {
  await fx?.project.close();
  fx?.p.cleanup();
});

const id = (kind: string, name: string) => `${kind}.shop.${name}`;

describe('catalog', () => {
  it('is read with ONE query over system.columns and system.tables, filtered to the manifest relations', async () => {
    const client = (await fx.project.adapter()).client;
    const spy = vi.spyOn(client, 'query');
    try {
      await generateCatalog(fx.project);
      // a small probe of which system columns the server has (old servers lack some), then the one catalog query
      expect(spy).toHaveBeenCalledTimes(2);
      expect(String(spy.mock.calls[0]![0])).toMatch(/FROM system\.columns WHERE database = 'system'/);
      const sql = String(spy.mock.calls[1]![0]);
      expect(sql).toMatch(/FROM system\.columns/);
      expect(sql).toMatch(/system\.tables/);
      expect(sql).toContain(`('${fx.p.schema}', 'orders')`);
      expect(sql).not.toContain("'eph_countries'"); // ephemeral: no relation
    } finally {
      spy.mockRestore();
    }
  });

  it('has dbt catalog v1 shape: nodes and sources with metadata, typed indexed columns and stats', async () => {
    const catalog = await generateCatalog(fx.project);
    const onDisk = JSON.parse(readFileSync(join(fx.project.targetDir, 'catalog.json'), 'utf8'));
    expect(onDisk.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/catalog/v1.json');
    expect(onDisk.metadata.invocation_id).toBe(fx.project.invocationId);
    expect(onDisk.errors).toBeNull();
    expect(Object.keys(onDisk.nodes).sort()).toEqual(
      [id('model', 'customer_orders'), id('seed', 'customers'), id('model', 'orders'), id('model', 'shop_dq_dashboard'), id('model', 'shop_kpi_dashboard'), id('model', 'stg_events')].sort(),
    );
    // never built and ephemeral models are not in the warehouse
    expect(onDisk.nodes[id('model', 'never_built')]).toBeUndefined();
    expect(Object.keys(onDisk.sources)).toEqual([id('source', 'raw.events')]);

    const orders = catalog.nodes[id('model', 'orders')]!;
    expect(orders.unique_id).toBe(id('model', 'orders'));
    expect(orders.metadata).toEqual({ type: 'table', schema: fx.p.schema, name: 'orders', database: '', comment: null, owner: null });
    expect(orders.columns).toEqual({
      order_id: { type: 'UInt32', index: 1, name: 'order_id', comment: null },
      customer_id: { type: 'UInt32', index: 2, name: 'customer_id', comment: null },
      amount: { type: 'Float64', index: 3, name: 'amount', comment: null },
    });
    expect(orders.stats.row_count).toMatchObject({ id: 'row_count', value: 4, include: true });
    expect(orders.stats.bytes!.value).toBeGreaterThan(0);
    expect(orders.stats.has_stats!.value).toBe(true);
    expect(orders.stats.engine!.value).toBe('MergeTree');

    const view = catalog.nodes[id('model', 'stg_events')]!;
    expect(view.metadata.type).toBe('view');
    expect(view.columns.amount).toEqual({ type: 'Decimal(10, 2)', index: 3, name: 'amount', comment: null });
    expect(view.stats.row_count).toBeUndefined();
    expect(catalog.sources[id('source', 'raw.events')]!.metadata).toMatchObject({ schema: fx.p.schema, name: 'events', type: 'table' });
    expect(catalog.nodes[id('seed', 'customers')]!.stats.row_count!.value).toBe(3);
  });

  it('builds from rows without a warehouse, and has no query for an empty project', () => {
    const node = { uniqueId: 'model.p.m', resourceType: 'model', relation: { schema: 'db', identifier: 'm' }, config: {} } as unknown as ManifestNode;
    const src = { uniqueId: 'source.p.s.t', resourceType: 'source', relation: { schema: "we'ird", identifier: 't' }, config: {} } as unknown as ManifestNode;
    const row = (table: string, database: string, column: string, position: number) => ({
      database, table, engine: 'MergeTree', table_comment: 'hello', total_rows: '12', total_bytes: '345', column_name: column, column_type: 'String', position, column_comment: '',
    });
    const c = buildCatalog([node, src], [row('m', 'db', 'b', 2), row('m', 'db', 'a', 1), row('t', "we'ird", 'x', 1)], 'inv');
    expect(Object.keys(c.nodes['model.p.m']!.columns)).toEqual(['a', 'b']);
    expect(c.nodes['model.p.m']!.metadata.comment).toBe('hello');
    expect(c.nodes['model.p.m']!.stats.row_count!.value).toBe(12);
    expect(c.sources['source.p.s.t']!.columns.x!.index).toBe(1);
    expect(catalogQuery([src])).toContain("('we\\'ird', 't')");
    expect(catalogQuery([])).toBeUndefined();
  });
});

describe('docs generate', () => {
  it('writes manifest (with compiled SQL), catalog, dashboards and index.html', async () => {
    const result = await generateDocs(fx.project);
    const dir = fx.project.targetDir;
    for (const f of ['manifest.json', 'catalog.json', 'dashboards.json', 'index.html', 'run_results.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.nodes[id('model', 'orders')].compiled_code).toContain(`\`${fx.p.schema}\`.\`stg_events\``);
    expect(result.compiled).toBeGreaterThan(5);

    const dashboards = JSON.parse(readFileSync(join(dir, 'dashboards.json'), 'utf8'));
    const names = dashboards.dashboards.map((d: { name: string }) => d.name);
    expect(names).toEqual(['shop_dq_dashboard', 'shop_kpi_dashboard']);
    const kpi = dashboards.dashboards[1];
    expect(kpi.spec).toEqual({ status: ['performance_status'], category: 'metric_category', label: 'metric_name', value: 'metric_value', target: 'target_value', unit: 'unit' });
    expect(kpi.rows).toHaveLength(4);
    expect(kpi.rows[2]).toMatchObject({ metric_name: 'Total revenue', metric_value: 136.75, performance_status: 'Good' });
    const dq = dashboards.dashboards[0];
    expect(dq.spec).toMatchObject({ status: ['quality_status'], category: 'check_category', label: 'check_name', value: 'issue_percentage' });
    expect(dq.rows.map((r: { quality_status: string }) => r.quality_status).sort()).toEqual(['FAIL', 'PASS', 'WARNING']);

    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']?https?:/i); // no CDN: everything inline
    expect(html).toContain('window.TsdbtLayout');
  });

  it('guesses the reference dashboards’ columns', () => {
    const kpi = dashboardSpec([
      ['metric_category', 'String'], ['metric_name', 'String'], ['metric_value', 'Float64'], ['target_value', 'Float64'], ['unit', 'String'],
      ['performance_status', 'String'], ['status_indicator', 'String'], ['variance_from_target_pct', 'Nullable(Float64)'], ['dashboard_updated_at', "DateTime('UTC')"],
    ].map(([name, type]) => ({ name: name!, type: type! })));
    expect(kpi).toMatchObject({ category: 'metric_category', label: 'metric_name', value: 'metric_value', target: 'target_value', unit: 'unit' });
    expect(kpi.status).toContain('performance_status');
    const dq = dashboardSpec([
      ['check_category', 'String'], ['check_name', 'String'], ['total_records', 'UInt64'], ['issues_found', 'UInt64'], ['issue_percentage', 'Float64'],
      ['quality_status', 'String'], ['check_timestamp', 'DateTime'], ['priority', 'UInt8'], ['recommended_action', 'String'],
    ].map(([name, type]) => ({ name: name!, type: type! })));
    expect(dq).toMatchObject({ status: ['quality_status'], category: 'check_category', label: 'check_name', value: 'issue_percentage', target: undefined });
  });
});
