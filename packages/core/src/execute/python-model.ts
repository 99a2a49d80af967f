import type { ModelNode } from '../manifest/nodes.js';
import { supportedLanguages } from '../render/materialization-macros.js';
import { ProjectError } from '../shared/errors.js';
import { customMaterialization } from './run-custom-materialization.js';
import type { RunContext } from './run-context.js';

/**
 * Why a Python model cannot run: ClickHouse has no Python runtime, and dbt-clickhouse's
 * materializations support SQL only, so dbt's ModelRunner fails the node (its dependents are
 * skipped, the rest of the run goes on) with its DbtValidationError — the materialization's macro
 * name (`materialization_<materialized>_clickhouse`, or the project's own) and its languages.
 */
export function pythonModelError(ctx: RunContext, node: ModelNode): ProjectError {
  const materialized = String(node.config.materialized);
  const custom = customMaterialization(ctx, node);
  const macro = custom?.node.name ?? `materialization_${materialized}_clickhouse`;
  const languages = custom ? supportedLanguages(custom) : ['sql'];
  const message = languages.includes('python')
    ? `Materialization "${macro}" supports Python models, but tsdbt cannot run them: ClickHouse has no Python runtime`
    : `Materialization "${macro}" only supports languages [${languages.map((l) => `'${l}'`).join(', ')}]; got "python"`;
  return new ProjectError('materialization_language', message, {
    file: node.originalFilePath,
    hint: `${node.name} is a Python model (${node.originalFilePath}): ClickHouse has no Python runtime, so it cannot be built (as with dbt-clickhouse). Write it as a SQL model (${node.name}.sql) to build it.`,
  });
}
