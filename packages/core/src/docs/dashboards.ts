import { writeJson } from '../report/artifacts.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { TsdbtProject } from '../tsdbt.js';
import type { Catalog } from './catalog.js';

/** The reference project's dashboard models. */
export const REFERENCE_DASHBOARDS = ['g2_v2_business_kpi_dashboard', 'g2_v2_dq_monitoring_dashboard'] as const;

/** Which columns the site draws: status colours, the category a chart is made per, bar labels and values. */
export interface DashboardSpec {
  readonly status: readonly string[];
  readonly category?: string;
  readonly label?: string;
  readonly value?: string;
  readonly target?: string;
  readonly unit?: string;
}

export interface Dashboard {
  readonly unique_id: string;
  readonly name: string;
  readonly relation: string;
  readonly description: string;
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly Record<string, unknown>[];
  readonly truncated: boolean;
  readonly spec: DashboardSpec;
}

export interface DashboardsFile {
  readonly generated_at: string;
  readonly dashboards: readonly Dashboard[];
}

const MAX_ROWS = 1000;

const isNumeric = (type: string) => /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/.test(type);
const isText = (type: string) => /^(Nullable\(|LowCardinality\()*(String|FixedString|Enum)/.test(type);

/**
 * A dashboard model: one of the reference dashboards, a model named `*_dashboard`, or one with
 * `meta: {dashboard: true}` (or a spec object overriding the guessed columns).
 */
export function isDashboardModel(node: ManifestNode): boolean {
  if (node.resourceType !== 'model') return false;
  const meta = (node.config.meta ?? {}) as Record<string, unknown>;
  if (meta.dashboard === false) return false;
  return Boolean(meta.dashboard) || (REFERENCE_DASHBOARDS as readonly string[]).includes(node.name) || node.name.endsWith('_dashboard');
}

/** Guesses the columns to draw from names and types; `override` (model meta `dashboard:`) wins. */
export function dashboardSpec(columns: readonly { name: string; type: string }[], override: Partial<DashboardSpec> = {}): DashboardSpec {
  const text = columns.filter((c) => isText(c.type)).map((c) => c.name);
  const numeric = columns.filter((c) => isNumeric(c.type)).map((c) => c.name);
  const status = text.filter((n) => /status|health|result|outcome/i.test(n));
  const category = text.find((n) => /category|group|area|domain/i.test(n));
  const label = text.find((n) => n !== category && !status.includes(n) && /(^|_)name$|(^|_)label$|title/i.test(n)) ?? text.find((n) => n !== category && !status.includes(n));
  const target = numeric.find((n) => /target|goal|threshold|expected/i.test(n));
  const plain = numeric.filter((n) => n !== target && !/priority|sort|order|(^|_)id$|rank|position/i.test(n));
  const value = plain.find((n) => /(^|_)value$/i.test(n)) ?? plain.find((n) => /percent|pct|rate|ratio/i.test(n)) ?? plain[0];
  const unit = text.find((n) => /^unit$|_unit$/i.test(n));
  return { status, category, label, value, target, unit, ...override };
}

/** Reads every dashboard model present in the warehouse (one query each) and writes target/dashboards.json. */
export async function generateDashboards(project: TsdbtProject, catalog: Catalog): Promise<DashboardsFile> {
  const dashboards: Dashboard[] = [];
  for (const node of project.manifest.nodes.values()) {
    if (!isDashboardModel(node)) continue;
    const entry = catalog.nodes[node.uniqueId];
    if (!entry) continue; // not built yet
    const columns = Object.values(entry.columns)
      .sort((a, b) => a.index - b.index)
      .map((c) => ({ name: c.name, type: c.type }));
    const relation = `\`${node.relation.schema}\`.\`${node.relation.identifier}\``;
    const rows = await (await project.adapter()).client.query(`SELECT * FROM ${relation} LIMIT ${MAX_ROWS + 1}`);
    const meta = (node.config.meta ?? {}) as Record<string, unknown>;
    const override = meta.dashboard && typeof meta.dashboard === 'object' ? (meta.dashboard as Partial<DashboardSpec>) : {};
    dashboards.push({
      unique_id: node.uniqueId,
      name: node.name,
      relation: `${node.relation.schema}.${node.relation.identifier}`,
      description: node.description,
      columns,
      rows: rows.slice(0, MAX_ROWS),
      truncated: rows.length > MAX_ROWS,
      spec: dashboardSpec(columns, override),
    });
  }
  // The reference dashboards first, then by name.
  const rank = (d: Dashboard) => {
    const i = (REFERENCE_DASHBOARDS as readonly string[]).indexOf(d.name);
    return i < 0 ? REFERENCE_DASHBOARDS.length : i;
  };
  dashboards.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const file: DashboardsFile = { generated_at: new Date().toISOString(), dashboards };
  writeJson(project.targetDir, 'dashboards.json', file, project.secrets, 2);
  return file;
}
