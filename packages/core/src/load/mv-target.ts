import type { NodeConfig } from '../manifest/config.js';
import type { RefCall } from '../manifest/nodes.js';
import { PRINT } from '../render/jinja-compat/python-values.js';
import { replacePlaceholders } from '../render/placeholders.js';
import { Relation } from '../render/relation.js';
import { ProjectError } from '../shared/errors.js';

/**
 * A materialized view model's `target`: `config(target=ref('events_agg'))` in SQL (or dbt-clickhouse's
 * `materialization_target_table(ref(…))`), or `target: events_agg` in YAML. The config keeps the model
 * name; the target becomes a ref of the model, so the target is built first and the lineage has the edge.
 */
export function withMvTarget(config: NodeConfig, refs: RefCall[], file: string): NodeConfig {
  const raw = config.target;
  if (config.materialized !== 'materialized_view' || raw === undefined || raw === null || raw === '') return config;
  let name: string | undefined;
  if (raw instanceof Relation) {
    // ref() is late-bound: printed whole, it is a placeholder naming the model.
    replacePlaceholders(String((raw as unknown as Record<symbol, () => string>)[PRINT]!()), (t) => {
      if (t.kind === 'ref') name = t.name;
      return '';
    });
  } else if (typeof raw === 'string') name = raw.trim();
  if (!name)
    throw new ProjectError('mv_target', `The target of materialized view ${file} must be a model`, {
      file,
      hint: "Write config(target=ref('events_agg')) in the model, or target: events_agg in YAML.",
    });
  if (!refs.some((r) => r.name === name && !r.function)) refs.push({ name });
  return Object.freeze({ ...config, target: name });
}
