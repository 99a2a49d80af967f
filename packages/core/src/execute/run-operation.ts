// `tsdbt run-operation`: a macro called with the warehouse attached, recorded in run_results.json (TsdbtProject.runOperation).
import type { ProjectHost } from '../project-host.js';
import type { HookResult } from '../report/events.js';
import { writeRunResults } from '../report/run-results-file.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { ProjectError } from '../shared/errors.js';
import { runtimeState } from './node-sql.js';

/** See TsdbtProject.runOperation. */
export async function runOperation(p: ProjectHost, macro: string, args: Record<string, unknown> = {}, options: { readonly argsText?: string } = {}): Promise<string> {
  const started = new Date();
  const uniqueIdOf = (name: string) => {
    const dot = name.indexOf('.');
    return dot > 0 ? `macro.${name}` : `macro.${[...p.manifest.macros.values()].find((m) => m.name === name && m.packageName !== 'dbt')?.packageName ?? p.manifest.projectName}.${name}`;
  };
  const record = (status: 'success' | 'error', message: string) => {
    const completed = new Date();
    const executionTime = (completed.getTime() - started.getTime()) / 1000;
    const row: HookResult = { uniqueId: uniqueIdOf(macro), name: macro, which: 'on-run-start', status, message, executionTime, timing: [{ name: 'compile', startedAt: started.toISOString(), completedAt: started.toISOString() }, { name: 'execute', startedAt: started.toISOString(), completedAt: completed.toISOString() }] };
    const runArgs = { which: 'run-operation', macro, args: options.argsText ?? JSON.stringify(args), vars: p.cliVars ?? {}, target: p.target.name, threads: p.target.threads, project_dir: p.loaded.projectRoot };
    writeRunResults(p.targetDir, [], executionTime, p.invocationId, runArgs, p.secrets, { before: [row], after: [] });
  };
  try {
    const out = await operationOutput(p, macro, args);
    record('success', '');
    return out;
  } catch (error) {
    record('error', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

async function operationOutput(p: ProjectHost, macro: string, args: Record<string, unknown>): Promise<string> {
  const adapter = await p.adapter();
  p.loaded.renderer.setFlags({ WHICH: 'run-operation' });
  p.loaded.renderer.setInvocationArgs({ which: 'run-operation', macro, args, vars: p.cliVars ?? {} });
  const state = runtimeState(p.runContext(adapter, {}), undefined, {
    node: { uniqueId: `operation.${p.manifest.projectName}.${macro}`, name: macro, resourceType: 'operation', packageName: p.manifest.projectName, originalFilePath: '<run-operation>', fqn: [], baseConfig: {} },
  });
  // dbt's find_macro_by_name: a bare name is the root project's, else an installed package's, else dbt's.
  const registry = p.loaded.renderer.registry;
  const owner = macro.includes('.') || p.loaded.renderer.hasMacro(macro) ? undefined : registry.packageNames().find((p) => p !== 'dbt' && registry.packageMacros(p)?.has(macro));
  if (owner) macro = `${owner}.${macro}`;
  if (!p.loaded.renderer.hasMacro(macro)) {
    const guess = didYouMean(macro, new Set([...p.manifest.macros.values()].filter((m) => m.kind === 'macro').map((m) => (m.packageName === p.manifest.projectName || m.packageName === 'dbt' ? m.name : `${m.packageName}.${m.name}`))));
    const dot = macro.indexOf('.');
    // dbt's UndefinedMacroError wording.
    throw new ProjectError('unknown_macro', `dbt could not find a macro with the name '${dot > 0 ? macro.slice(dot + 1) : macro}' in ${dot > 0 ? macro.slice(0, dot) : 'any package'}`, { hint: guess ? `Did you mean '${guess}'?` : 'Define it in a .sql file under the macro paths.' });
  }
  return p.loaded.renderer.callMacro(macro, state, [], args).trim();
}
