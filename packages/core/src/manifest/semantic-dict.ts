import type { SemanticNode } from './nodes.js';

/*
 * An exposure, metric, semantic model or saved query as dbt's manifest holds it (manifest v12's
 * Exposure, Metric, SemanticModel, SavedQuery): the YAML's keys, with the shapes dbt parses them
 * into where they differ from what is written — a metric's measure, numerator, denominator and
 * input metrics as objects, filters and a saved query's `where` as WhereFilterIntersection, a
 * window as MetricTimeWindow, a saved query's exports with their config — and without keys its
 * class lacks (a semantic model's tags/meta: in its config; a saved query's meta).
 */

type Value = Record<string, unknown>;
const isRecord = (v: unknown): v is Value => typeof v === 'object' && v !== null && !Array.isArray(v);

/** dbt's WhereFilterIntersection: a filter written as one text or a list of them. */
function whereFilter(v: unknown): Value | null {
  if (v === undefined || v === null || v === '') return null;
  if (isRecord(v) && Array.isArray(v['where_filters'])) return v;
  const texts = Array.isArray(v) ? v : [v];
  return { where_filters: texts.map((t) => (isRecord(t) && typeof t['where_sql_template'] === 'string' ? t : { where_sql_template: String(t) })) };
}

/** dbt's MetricTimeWindow: `7 days` → {count: 7, granularity: 'day'} (dbt singularises the period). */
function timeWindow(v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  if (isRecord(v)) return v;
  const m = /^\s*(\d+)\s+(\w+?)s?\s*$/.exec(String(v));
  // Text not of dbt's form stays as written.
  return m ? { count: Number(m[1]), granularity: m[2]!.toLowerCase() } : v;
}

/** dbt's MetricInputMeasure: a measure by name, or {name, filter, alias, join_to_timespine, fill_nulls_with}. */
function inputMeasure(v: unknown): Value | null {
  if (v === undefined || v === null) return null;
  const o = isRecord(v) ? v : { name: String(v) };
  return { ...o, name: o['name'], filter: whereFilter(o['filter']), alias: o['alias'] ?? null, join_to_timespine: o['join_to_timespine'] ?? false, fill_nulls_with: o['fill_nulls_with'] ?? null };
}

/** dbt's MetricInput: a metric by name, or {name, filter, alias, offset_window, offset_to_grain}. */
function metricInput(v: unknown): Value | null {
  if (v === undefined || v === null) return null;
  const o = isRecord(v) ? v : { name: String(v) };
  return { ...o, name: o['name'], filter: whereFilter(o['filter']), alias: o['alias'] ?? null, offset_window: timeWindow(o['offset_window']), offset_to_grain: o['offset_to_grain'] ?? null };
}

/** A metric's type_params as dbt's MetricTypeParams. */
function typeParams(v: unknown): Value {
  const t = isRecord(v) ? v : {};
  const measure = inputMeasure(t['measure']);
  return {
    ...t,
    measure,
    // dbt lists the measures a metric reads: a simple metric's own (others' are found through their input metrics).
    input_measures: Array.isArray(t['input_measures']) ? t['input_measures'].map(inputMeasure) : measure ? [measure] : [],
    numerator: metricInput(t['numerator']),
    denominator: metricInput(t['denominator']),
    expr: t['expr'] === undefined || t['expr'] === null ? null : String(t['expr']),
    window: timeWindow(t['window']),
    grain_to_date: t['grain_to_date'] ?? null,
    metrics: Array.isArray(t['metrics']) ? t['metrics'].map(metricInput) : [],
  };
}

/** A saved query's query_params (where as a WhereFilterIntersection) and exports (each with its config). */
function savedQueryShape(props: Value): Value {
  const q = isRecord(props['query_params']) ? props['query_params'] : {};
  const exports = Array.isArray(props['exports']) ? props['exports'] : [];
  return {
    query_params: { ...q, metrics: q['metrics'] ?? [], group_by: q['group_by'] ?? [], where: whereFilter(q['where']), order_by: q['order_by'] ?? [], limit: q['limit'] ?? null },
    exports: exports.filter(isRecord).map((e) => {
      const c = isRecord(e['config']) ? e['config'] : {};
      return { name: e['name'], config: { export_as: c['export_as'] ?? 'table', schema_name: c['schema'] ?? c['schema_name'] ?? null, alias: c['alias'] ?? null, database: c['database'] ?? null }, unrendered_config: {} };
    }),
  };
}

export function semanticDict(node: SemanticNode, inPackage: (pkg: string, path: string) => string, resourcePath: (pkg: string, path: string) => string): Record<string, unknown> {
  const props = node.properties as Value;
  const dict: Record<string, unknown> = {
    ...props,
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    // dbt's YAML resources: `path` relative to the resource folder (schema_yaml_readers.py relative_path).
    path: resourcePath(node.packageName, node.originalFilePath),
    original_file_path: inPackage(node.packageName, node.originalFilePath),
    fqn: node.fqn,
    description: node.description,
    label: (props['label'] as string | undefined) ?? null,
    tags: node.tags,
    meta: node.config.meta,
    config: { enabled: node.config.enabled, group: node.config.group ?? null, meta: node.config.meta, tags: node.config.tags },
    unrendered_config: {},
    depends_on: { macros: [], nodes: node.dependsOn },
    refs: node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null })),
    sources: node.sources.map((s) => [...s]),
    metrics: [],
  };
  if (node.resourceType === 'metric') {
    dict['type_params'] = typeParams(props['type_params']);
    dict['filter'] = whereFilter(props['filter']);
  }
  if (node.resourceType === 'semantic_model') {
    dict['node_relation'] = node.relation.schema ? { alias: node.relation.identifier, schema_name: node.relation.schema, database: '', relation_name: `\`${node.relation.schema}\`.\`${node.relation.identifier}\`` } : null;
    // dbt's SemanticModel has no tags, meta, sources or metrics (its tags and meta are its config's).
    for (const key of ['tags', 'meta', 'sources', 'metrics']) delete dict[key];
  }
  if (node.resourceType === 'saved_query') {
    Object.assign(dict, savedQueryShape(props));
    // dbt's SavedQuery has no meta, sources or metrics (its meta is its config's).
    for (const key of ['meta', 'sources', 'metrics']) delete dict[key];
  }
  return dict;
}
