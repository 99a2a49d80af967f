import pc from 'picocolors';
import type { ManifestNode, NodeResult, RunEvent } from '@tsdbt/core';

const WIDTH = 80;

export interface PrinterOptions {
  readonly color: boolean;
  readonly json: boolean;
  readonly write: (line: string) => void;
  readonly debug?: boolean;
}

const time = () => new Date().toTimeString().slice(0, 8);

function describe(node: ManifestNode): string {
  const rel = `${node.relation.schema}.${node.relation.identifier}`;
  if (node.resourceType === 'model') return `sql ${node.config.materialized} model ${rel}`;
  if (node.resourceType === 'seed') return `seed file ${rel}`;
  if (node.resourceType === 'source') return `source ${rel}`;
  if (node.resourceType === 'snapshot') return `snapshot ${rel}`;
  // dbt's TestRunner.describe_node for unit tests: `unit_test <model>::<test>`.
  if (node.resourceType === 'unit_test') return `unit_test ${node.model}::${node.name}`;
  return node.name;
}

/** dbt's progress line: `i of N MESSAGE ..... [STATUS]`, padded with dots to 80 columns. */
function fancy(msg: string, status: string, index: number, total: number): string {
  const left = `${index} of ${total} ${msg} `;
  // Pad by visible width: colour codes take no columns.
  const visible = left.replace(/\u001b\[[0-9;]*m/g, '').length;
  const dots = '.'.repeat(Math.max(3, WIDTH - visible - 1));
  return `${left}${dots} [${status}]`;
}

/** Turns run events into dbt-style console lines, or one JSON object per line. */
export function createPrinter(options: PrinterOptions): (event: RunEvent) => void {
  const c = pc.createColors(options.color);
  const out = (line: string) => options.write(`${time()}  ${line}`);
  return (event) => {
    if (options.json) {
      options.write(JSON.stringify(jsonEvent(event)));
      return;
    }
    switch (event.type) {
      case 'run_started': {
        const parts = Object.entries(event.counts).map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`);
        out(`Found ${parts.join(', ') || 'nothing to do'}`);
        out(`Concurrency: ${event.threads} threads (target='${event.targetName}')`);
        out('');
        break;
      }
      case 'node_started':
        out(fancy(`START ${describe(event.node)}`, 'RUN', event.index, event.total));
        break;
      case 'node_finished':
        out(finishedLine(event.result, event.index, event.total, c));
        break;
      case 'hook_finished': {
        // dbt's LogHookEndLine: `1 of 2 OK hook: proj.on-run-start.0 ..... [OK in 0.01s]`.
        const h = event.result;
        const secs = `${h.executionTime.toFixed(2)}s`;
        if (h.status === 'success') out(fancy(`${c.green('OK')} hook: ${h.name}`, `${c.green('OK')} in ${secs}`, event.index, event.total));
        else if (h.status === 'skipped') out(fancy(`${c.yellow('SKIP')} hook: ${h.name}`, c.yellow('SKIP'), event.index, event.total));
        else {
          out(fancy(`${c.red('ERROR')} hook: ${h.name}`, `${c.red('ERROR')} in ${secs}`, event.index, event.total));
          for (const line of h.message.split('\n').slice(0, 12)) out(c.red(`  ${line}`));
        }
        break;
      }
      case 'warning':
        out(c.yellow(`[WARNING]: ${event.message}`));
        break;
      case 'log':
        if (event.level === 'info' || options.debug) out(event.message);
        break;
      case 'run_finished':
        summary(event.results, event.elapsed, event.interrupted, out, c);
        break;
    }
  };
}

function finishedLine(r: NodeResult, index: number, total: number, c: ReturnType<typeof pc.createColors>): string {
  const secs = `${r.executionTime.toFixed(2)}s`;
  const d = describe(r.node);
  switch (r.status) {
    case 'success': {
      // dbt's LogSnapshotResult: `OK snapshotted schema.name`.
      if (r.node.resourceType === 'snapshot') return fancy(`${c.green('OK')} snapshotted ${r.node.relation.schema}.${r.node.relation.identifier}`, `${c.green(r.message)} in ${secs}`, index, total);
      const verb = r.node.resourceType === 'seed' || r.node.resourceType === 'source' ? 'loaded' : 'created';
      return fancy(`${c.green('OK')} ${verb} ${d}`, `${c.green(r.message)} in ${secs}`, index, total);
    }
    case 'pass':
      return fancy(`${c.green('PASS')} ${d}`, `${c.green('PASS')} in ${secs}`, index, total);
    case 'warn':
      return fancy(`${c.yellow(`WARN ${r.failures}`)} ${d}`, `${c.yellow(`WARN ${r.failures}`)} in ${secs}`, index, total);
    case 'fail':
      return fancy(`${c.red(`FAIL ${r.failures ?? ''}`.trim())} ${d}`, `${c.red(`FAIL ${r.failures ?? ''}`.trim())} in ${secs}`, index, total);
    case 'skipped':
      return fancy(`${c.yellow('SKIP')} relation ${d}`, c.yellow('SKIP'), index, total);
    case 'partial success':
      // dbt's microbatch result: some batches failed (see the summary).
      return fancy(`${c.yellow('PARTIAL SUCCESS')} creating ${d}`, `${c.yellow(r.message)} in ${secs}`, index, total);
    default:
      if (r.node.resourceType === 'snapshot') return fancy(`${c.red('ERROR')} snapshotting ${r.node.relation.schema}.${r.node.relation.identifier}`, `${c.red('ERROR')} in ${secs}`, index, total);
      return fancy(`${c.red('ERROR')} creating ${d}`, `${c.red('ERROR')} in ${secs}`, index, total);
  }
}

function summary(results: readonly NodeResult[], elapsed: number, interrupted: boolean, out: (l: string) => void, c: ReturnType<typeof pc.createColors>): void {
  const count = (...s: string[]) => results.filter((r) => s.includes(r.status)).length;
  out('');
  out(`Finished running ${results.length} node${results.length === 1 ? '' : 's'} in ${elapsed.toFixed(2)}s.`);
  const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn' || r.status === 'partial success');
  if (interrupted) out(c.red('The run was stopped before it finished.'));
  if (problems.length === 0) out(c.green('Completed successfully'));
  else {
    const errors = count('error', 'fail', 'partial success');
    out(errors ? c.red(`Completed with ${errors} error${errors === 1 ? '' : 's'} and ${count('warn')} warning${count('warn') === 1 ? '' : 's'}:`) : c.yellow(`Completed with ${count('warn')} warning${count('warn') === 1 ? '' : 's'}:`));
    for (const r of problems) {
      out('');
      const kind = r.node.resourceType === 'test' ? 'test' : r.node.resourceType;
      const where = r.file ? ` (${r.file}${r.line ? `:${r.line}` : ''})` : ` (${r.node.originalFilePath})`;
      out(`${r.status === 'warn' ? c.yellow('Warning') : c.red('Failure')} in ${kind} ${r.node.name}${where}`);
      // A unit test's message is its diff table: shown whole, as dbt does.
      for (const line of r.message.split('\n').slice(0, r.node.resourceType === 'unit_test' ? 200 : 12)) out(`  ${line}`);
      if (r.status === 'partial success') for (const w of r.warnings) out(`  ${w}`);
    }
  }
  out('');
  const partial = count('partial success');
  out(`Done. PASS=${count('success', 'pass')} WARN=${count('warn')} ERROR=${count('error', 'fail')} SKIP=${count('skipped')}${partial ? ` PARTIAL SUCCESS=${partial}` : ''} TOTAL=${results.length}`);
}

function jsonEvent(event: RunEvent): Record<string, unknown> {
  const ts = new Date().toISOString();
  switch (event.type) {
    case 'node_started':
      return { ts, event: 'node_started', unique_id: event.node.uniqueId, index: event.index, total: event.total };
    case 'node_finished': {
      const r = event.result;
      return { ts, event: 'node_finished', unique_id: r.uniqueId, status: r.status, message: r.message, rows: r.rowsAffected ?? null, failures: r.failures ?? null, execution_time: r.executionTime, index: event.index, total: event.total };
    }
    case 'run_finished':
      return { ts, event: 'run_finished', elapsed: event.elapsed, interrupted: event.interrupted, total: event.results.length };
    default:
      return { ts, event: event.type, ...event, type: undefined };
  }
}
