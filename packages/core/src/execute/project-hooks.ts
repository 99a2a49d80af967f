import { withoutCommits } from '../shared/sql-statements.js';
import { compileSql } from '../compile/compile-sql.js';
import type { ProjectHook } from '../manifest/manifest.js';
import type { CompiledCode } from '../manifest/nodes.js';
import { nodeDict } from '../manifest/node-dict.js';
import { DICT_METHODS } from '../render/jinja-compat/python-methods.js';
import { pyTuple } from '../render/jinja-compat/python-values.js';
import { adapterResponse, dbtMessage, type HookResult, type NodeResult } from '../report/events.js';
import { runtimeState } from './node-sql.js';
import type { RunContext } from './run-context.js';

/**
 * dbt's `on-run-start` / `on-run-end` project hooks (task/run.py safe_run_hooks): each hook is
 * rendered with the run's context (on-run-end also gets `results`, `schemas`, `database_schemas`)
 * and run in order; once one fails the rest are skipped. A failed hook fails the run, as in dbt.
 */
export async function runProjectHooks(ctx: RunContext, which: ProjectHook['which'], extra: Record<string, unknown> = {}): Promise<HookResult[]> {
  const hooks = (ctx.manifest.hooks ?? []).filter((h) => h.which === which);
  const out: HookResult[] = [];
  let failed = false;
  for (const [i, hook] of hooks.entries()) {
    const name = `${hook.packageName}.${which}.${hook.index}`;
    const started = new Date();
    // dbt's hook result times its compile (the render) and its execute.
    let compiled = started;
    let result: Omit<HookResult, 'executionTime' | 'timing'>;
    if (failed) result = { uniqueId: hook.uniqueId, name, which, status: 'skipped', message: `${name} skipped` };
    else {
      let sql: string | undefined;
      try {
        const state = runtimeState(ctx, undefined, {
          node: {
            uniqueId: hook.uniqueId,
            name: `${hook.packageName}-${which}-${hook.index}`,
            resourceType: 'operation',
            packageName: hook.packageName,
            originalFilePath: hook.file,
            fqn: [hook.packageName, 'hooks', `${hook.packageName}-${which}-${hook.index}`],
            baseConfig: {},
          },
          hookContext: extra,
        });
        sql = withoutCommits(compileSql(ctx.index, undefined, ctx.renderer.renderString(hook.sql, hook.file, state, extra))).trim().replace(/;\s*$/, '');
        compiled = new Date();
        if (sql) await ctx.adapter.client.command(sql, { signal: ctx.signal });
        result = { uniqueId: hook.uniqueId, name, which, status: 'success', message: `${name} passed`, sql };
      } catch (error) {
        failed = true;
        result = { uniqueId: hook.uniqueId, name, which, status: 'error', message: `${name} failed, error:\n ${error instanceof Error ? error.message : String(error)}`, sql };
      }
    }
    const completed = new Date();
    const full: HookResult = {
      ...result,
      executionTime: (completed.getTime() - started.getTime()) / 1000,
      timing:
        result.status === 'skipped'
          ? []
          : [
              { name: 'compile', startedAt: started.toISOString(), completedAt: compiled.toISOString() },
              { name: 'execute', startedAt: compiled.toISOString(), completedAt: completed.toISOString() },
            ],
    };
    out.push(full);
    ctx.onEvent({ type: 'hook_finished', result: full, index: i + 1, total: hooks.length });
  }
  return out;
}

/** The compiled code of a node run (compile/write-compiled.ts CompiledWriter.codeOf). */
type CodeOf = (uniqueId: string) => CompiledCode | undefined;

/** dbt's RunResult as `results` in on-run-end shows it: attributes of the result and its node. */
function resultObject(r: NodeResult, codeOf: CodeOf): Record<string, unknown> {
  // The node as its run left it: compiled (compiled_code, extra_ctes) when it compiled. dbt's
  // result.node is the node object: its `identifier` property (the alias) reads too, not a field.
  const node = nodeDict(r.node, codeOf(r.uniqueId));
  if (!('identifier' in node)) Object.defineProperty(node, 'identifier', { value: r.node.relation.identifier, enumerable: false });
  if (node.config && typeof node.config === 'object') node.config = configObject(node.config as Record<string, unknown>);
  const result: Record<string, unknown> = {
    node: withToDict(node),
    unique_id: r.uniqueId,
    status: r.status,
    message: dbtMessage(r),
    execution_time: r.executionTime,
    failures: r.failures ?? null,
    adapter_response: adapterResponse(r),
    thread_id: r.threadId ?? 'Thread-1',
    timing: r.timing.map((t) => withToDict({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
  };
  // dbt's RunResult.to_dict() (artifacts/test_run_results.py logs it): its fields, unique_id being a
  // property there. Not enumerable, so the result's keys stay its attributes.
  const { unique_id: _, ...fields } = result;
  Object.defineProperty(result, 'to_dict', { value: () => ({ ...fields, batch_results: null }), enumerable: false });
  return result;
}

/**
 * dbt's result.node.config is a config object (BaseConfig): a key it does not have reads as None
 * (`config.full_refresh` of a test — TestConfig has no such field — through Jinja's getattr
 * falling back to BaseConfig.__getitem__), where a dict's would be Undefined. dbt_artifacts'
 * test_executions upload writes `{{ test.node.config.full_refresh }}` after `is none` checks it.
 * Its keys, items and JSON stay the config's own.
 */
function configObject(config: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(config, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target || Object.hasOwn(DICT_METHODS, key)) return Reflect.get(target, key, receiver);
      return null;
    },
  });
}

/**
 * dbt's result.node and timing entries are objects with to_dict() (elementary's dbt_object_to_dict
 * calls it on each): a copy of their fields, not enumerable so the keys stay the fields.
 */
function withToDict<T extends Record<string, unknown>>(fields: T): T {
  Object.defineProperty(fields, 'to_dict', { value: () => ({ ...fields }), enumerable: false });
  return fields;
}

/**
 * What on-run-end hooks see beside the usual context (dbt's after_run): `results`, and the schemas
 * (`schemas`; `database_schemas` as (database, schema) pairs, the database empty on ClickHouse) of
 * the relations the run built successfully.
 */
export function onRunEndContext(results: readonly NodeResult[], startHooks: readonly HookResult[], codeOf: CodeOf = () => undefined): Record<string, unknown> {
  const built = results.filter((r) => ['model', 'seed', 'snapshot'].includes(r.node.resourceType) && r.status === 'success');
  const schemas = [...new Set(built.map((r) => r.node.relation.schema))];
  const failedHooks = startHooks.filter((h) => h.status === 'error').map((h) => ({ unique_id: h.uniqueId, status: h.status, message: h.message, node: { unique_id: h.uniqueId, name: h.name, resource_type: 'operation' }, thread_id: 'main' }));
  return {
    results: [...failedHooks, ...results.map((r) => resultObject(r, codeOf))],
    schemas,
    database_schemas: schemas.map((s) => pyTuple(['', s])),
  };
}
