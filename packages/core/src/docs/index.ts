import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TsdbtProject } from '../tsdbt.js';
import type { SelectionOptions } from '../select/select-nodes.js';
import type { DeferOptions } from '../execute/deferral.js';
import { generateCatalog, type Catalog } from './catalog.js';
import { generateDashboards, type DashboardsFile } from './dashboards.js';
import { renderIndexHtml } from './site/index-html.js';

export { buildCatalog, catalogNodes, catalogQuery, generateCatalog } from './catalog.js';
export type { Catalog, CatalogRow, CatalogTable, CatalogStat } from './catalog.js';
export { dashboardSpec, generateDashboards, isDashboardModel, REFERENCE_DASHBOARDS } from './dashboards.js';
export type { Dashboard, DashboardSpec, DashboardsFile } from './dashboards.js';
export { countCrossings, createLayoutEngine, layoutGraph, longestPathLayers } from './layout.js';
export type { Layout, LayoutEdge, LayoutInput, LayoutNode, LayoutOptions } from './layout.js';
export { DOCS_ARTIFACTS, serveDocs } from './serve.js';
export type { DocsServer, ServeOptions } from './serve.js';
export { renderIndexHtml } from './site/index-html.js';

export interface DocsGenerateResult {
  readonly targetDir: string;
  readonly catalog: Catalog;
  readonly dashboards: DashboardsFile;
  /** Nodes compiled into manifest.json. */
  readonly compiled: number;
  /**
   * Column lineage (target/lineage.json, columns typed in manifest.json): nodes analysed, and those
   * that did not validate (no lineage for them); undefined when not computed.
   */
  readonly lineage?: { readonly nodes: number; readonly errors: number; readonly failure?: string };
}

/**
 * `tsdbt docs generate`: compiles (target/manifest.json with compiled SQL), reads the catalog in one
 * query (target/catalog.json), snapshots the dashboard models (target/dashboards.json) and writes the
 * site (target/index.html). run_results.json is left as the last run wrote it.
 */
export async function generateDocs(
  project: TsdbtProject,
  options: { compile?: boolean; selection?: SelectionOptions & DeferOptions; /** dbt's --empty-catalog: catalog.json without asking the warehouse. */ emptyCatalog?: boolean } = {},
): Promise<DocsGenerateResult> {
  let compiled = 0;
  const selection = options.selection ?? {};
  // --no-compile, as dbt: no compilation and no manifest.json written (the catalog only needs the warehouse).
  if (options.compile !== false) compiled = (await project.compile(selection)).length;
  const lineage = options.compile === false ? undefined : await analyzeForDocs(project);
  // As dbt 1.7+: with a selection, the catalog holds only the selected nodes' relations.
  const picks = Boolean(selection.select?.length || selection.exclude?.length || selection.selector);
  const only = options.emptyCatalog ? new Set<string>() : picks ? new Set(project.select({ ...selection, resourceTypes: undefined })) : undefined;
  const catalog = await generateCatalog(project, only);
  const dashboards = await generateDashboards(project, catalog);
  writeFileSync(join(project.targetDir, 'index.html'), renderIndexHtml());
  copyAssets(project.loaded.projectRoot, project.loaded.projectFile.assetPaths ?? [], project.targetDir);
  return { targetDir: project.targetDir, catalog, dashboards, compiled, lineage };
}

/** dbt's asset-paths: each folder that exists is copied to the same path under target/, replacing the last copy. */
function copyAssets(projectRoot: string, assetPaths: readonly string[], targetDir: string): void {
  for (const path of assetPaths) {
    const to = resolve(targetDir, path);
    rmSync(to, { recursive: true, force: true });
    const from = resolve(projectRoot, path);
    if (existsSync(from)) cpSync(from, to, { recursive: true });
  }
}

/** The analyze stage over the whole project (a scratch warehouse): lineage.json and typed columns for the site. */
async function analyzeForDocs(project: TsdbtProject): Promise<DocsGenerateResult['lineage']> {
  try {
    const analysis = await project.validate({ write: true });
    const errors = [...analysis.nodes.values()].filter((n) => n.status !== 'valid' && !n.uniqueId.startsWith('test.')).length;
    return { nodes: analysis.nodes.size, errors };
  } catch (error) {
    // The site works without it (no column lineage pages); say why.
    return { nodes: 0, errors: 0, failure: error instanceof Error ? error.message : String(error) };
  }
}
