import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocs, serveDocs, type DocsServer } from '../../../packages/core/src/docs/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

const CHROMIUM = '/usr/bin/chromium';

let p: InlineProject;
let server: DocsServer;
let browser: Browser;
let page: Page;

const SOURCES = 'version: 2\nsources:\n  - name: app\n    tables:\n      - name: events\n      - name: clicks\n';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  p = inlineProject(
    {
      'models/sources.yml': SOURCES,
      'models/activity.sql': "{{ config(materialized='table') }}\nselect '' as kind, toUInt64(0) as n where 0",
      'models/from_events.sql': "{{ config(materialized='materialized_view', target=ref('activity')) }}\nselect kind, count() as n from {{ source('app', 'events') }} group by kind",
      'models/from_clicks.sql': "{{ materialization_target_table(ref('activity')) }}{{ config(materialized='materialized_view') }}\nselect 'click' as kind, count() as n from {{ source('app', 'clicks') }}",
      'models/daily.sql': "{{ config(materialized='materialized_view') }}\nselect toDate(now()) as day, count() as n from {{ source('app', 'events') }}",
      'models/report.sql': "select * from {{ ref('activity') }} cross join {{ ref('daily') }}",
    },
    { name: 'mvs' },
  );
  const project = p.open();
  await generateDocs(project);
  await project.close();
  server = await serveDocs({ targetDir: project.targetDir, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  p?.cleanup();
});

describe('materialized views in the docs lineage', () => {
  it('draws a view with a target as dashed edges from its sources to the target, not as a node', async () => {
    await page.goto(`${server.url}#!/lineage`);
    await page.waitForSelector('body[data-ready="true"]');
    const svg = page.locator('.lineage svg');
    await expect.poll(() => svg.locator('g.gnode').count()).toBe(5);
    const nodes = await svg.locator('g.gnode').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
    expect(nodes).toEqual(['model.mvs.activity', 'model.mvs.daily', 'model.mvs.report', 'source.mvs.app.clicks', 'source.mvs.app.events']);
    const edges = await svg.locator('path.edge').evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}${e.classList.contains('mv') ? ` (via ${e.getAttribute('data-via')})` : ''}`).sort(),
    );
    expect(edges).toEqual([
      'model.mvs.activity -> model.mvs.report',
      'model.mvs.daily -> model.mvs.report',
      'source.mvs.app.clicks -> model.mvs.activity (via from_clicks)',
      'source.mvs.app.events -> model.mvs.activity (via from_events)',
      // A view owning its target is that table: an ordinary edge.
      'source.mvs.app.events -> model.mvs.daily',
    ]);
    expect(await svg.locator('path.edge.mv title').allTextContents()).toEqual(expect.arrayContaining(['materialized view from_events', 'materialized view from_clicks']));
  });

  it("the view's own page still shows it, between its source and its target", async () => {
    await page.goto(`${server.url}#!/node/model.mvs.from_events`);
    await page.waitForSelector('body[data-ready="true"]');
    const graph = page.locator('.lineage').first();
    await expect.poll(() => graph.locator('g.gnode.focus').getAttribute('data-id')).toBe('model.mvs.from_events');
    const edges = await graph.locator('path.edge').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}`).sort());
    expect(edges).toEqual(expect.arrayContaining(['source.mvs.app.events -> model.mvs.from_events', 'model.mvs.from_events -> model.mvs.activity']));
    expect(edges).not.toContain('model.mvs.activity -> model.mvs.from_events');
  });
});
