import { relationNameOf } from '../manifest/node-dict.js';
import { artifactMetadata, writeJson } from './artifacts.js';
import { adapterResponse, dbtMessage, type HookResult, type NodeResult } from './events.js';

/** target/run_results.json in dbt's v6 shape. */
export function writeRunResults(
  targetDir: string,
  results: readonly NodeResult[],
  elapsed: number,
  invocationId: string,
  args: Record<string, unknown>,
  secrets: readonly string[] = [],
  hooks: { readonly before: readonly HookResult[]; readonly after: readonly HookResult[] } = { before: [], after: [] },
): string {
  // Project hooks are rows too, as dbt writes them: on-run-start first, on-run-end last, thread 'main'.
  const hookRow = (h: HookResult) => ({
    unique_id: h.uniqueId,
    status: h.status,
    timing: h.timing.map((t) => ({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
    thread_id: 'main',
    execution_time: h.executionTime,
    adapter_response: {},
    message: h.message,
    failures: h.status === 'success' ? 0 : 1,
    compiled: h.sql !== undefined,
    compiled_code: h.sql ?? null,
    relation_name: null,
    batch_results: null,
  });
  return writeJson(targetDir, 'run_results.json', {
    metadata: artifactMetadata('https://schemas.getdbt.com/dbt/run-results/v6.json', invocationId),
    results: [
      ...hooks.before.map(hookRow),
      ...results.map((r) => ({
        unique_id: r.uniqueId,
        status: r.status,
        timing: r.timing.map((t) => ({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
        thread_id: r.threadId ?? 'Thread-1',
        execution_time: r.executionTime,
        adapter_response: adapterResponse(r),
        message: dbtMessage(r),
        failures: r.failures ?? null,
        compiled: r.compiledCode !== undefined,
        compiled_code: r.compiledCode ?? null,
        relation_name: r.relationName ?? relationNameOf(r.node),
        batch_results: r.batchResults ? { successful: r.batchResults.successful, failed: r.batchResults.failed } : null,
      })),
      ...hooks.after.map(hookRow),
    ],
    elapsed_time: elapsed,
    args,
  }, secrets);
}
