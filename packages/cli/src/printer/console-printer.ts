import { isAbsolute, relative } from 'node:path';
import pc from 'picocolors';
import type { ManifestNode, NodeResult, RunEvent } from '@tsdbt/core';

/** dbt's --log-level: the least severe lines shown ('none': nothing). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/** True when a line of `level` is shown at the threshold `min`. */
export function shows(min: LogLevel, level: Exclude<LogLevel, 'none'>): boolean {
  return SEVERITY[level] >= SEVERITY[min];
}

export interface PrinterOptions {
  readonly color: boolean;
  readonly json: boolean;
  readonly write: (line: string) => void;
  /** --debug: debug lines too (as --log-level debug). */
  readonly debug?: boolean;
  /** --log-level (default info); --quiet is 'error'. */
  readonly level?: LogLevel;
  /** --printer-width: the width of the progress lines (default 80, as dbt). */
  readonly width?: number;
  /** Where lines about the process itself go (a stopped run still waiting): stderr. Default `write`. */
  readonly writeErr?: (line: string) => void;
}

/** A path as the user reads it: relative to the working directory when below it. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const time = () => new Date().toTimeString().slice(0, 8);

function describe(node: ManifestNode): string {
  if (node.resourceType === 'exposure') return `exposure ${node.name}`;
  if (node.resourceType === 'saved_query') return `saved query ${node.name}`;
  // dbt's FunctionRunner.describe_node.
  if (node.resourceType === 'function') return `function ${node.relation.identifier}`;
  const rel = `${node.relation.schema}.${node.relation.identifier}`;
  if (node.resourceType === 'model') return `${node.language ?? 'sql'} ${node.config.materialized} model ${rel}`;
  if (node.resourceType === 'seed') return `seed file ${rel}`;
  if (node.resourceType === 'source') return `source ${rel}`;
  if (node.resourceType === 'snapshot') return `snapshot ${rel}`;
  // dbt's TestRunner.describe_node for unit tests: `unit_test <model>::<test>`.
  if (node.resourceType === 'unit_test') return `unit_test ${node.model}::${node.name}`;
  return node.name;
}

/** dbt's progress line: `i of N MESSAGE ..... [STATUS]`, padded with dots to the printer width. */
function fancy(msg: string, status: string, index: number, total: number, width: number): string {
  const left = `${index} of ${total} ${msg} `;
  // Pad by visible width: colour codes take no columns.
  const visible = left.replace(/\u001b\[[0-9;]*m/g, '').length;
  const dots = '.'.repeat(Math.max(3, width - visible - 1));
  return `${left}${dots} [${status}]`;
}

type Out = (line: string, level?: Exclude<LogLevel, 'none'>) => void;

/** The level of a node's result line, as dbt's LogModelResult / LogTestResult. */
function resultLevel(r: NodeResult): Exclude<LogLevel, 'none'> {
  return r.status === 'error' || r.status === 'fail' ? 'error' : r.status === 'warn' || r.status === 'partial success' ? 'warn' : 'info';
}

/** dbt's print_compile_stats: NodeType.pluralize() with `_` as a space ('1 test', '16 data tests', '2 saved queries', '1 unit test'). */
const PLURALS: Readonly<Record<string, string>> = { test: 'data tests', analysis: 'analyses', saved_query: 'saved queries' };
function countedName(type: string, n: number): string {
  return (n === 1 ? type : (PLURALS[type] ?? `${type}s`)).replace(/_/g, ' ');
}

/** Turns run events into dbt-style console lines, or one JSON object per line. */
export function createPrinter(options: PrinterOptions): (event: RunEvent) => void {
  const c = pc.createColors(options.color);
  const min: LogLevel = options.level ?? (options.debug ? 'debug' : 'info');
  const width = options.width ?? 80;
  const out: Out = (line, level = 'info') => {
    if (shows(min, level)) options.write(`${time()}  ${line}`);
  };
  const f = (msg: string, status: string, index: number, total: number) => fancy(msg, status, index, total, width);
  return (event) => {
    if (options.json) {
      const level = jsonLevel(event);
      if (shows(min, level)) options.write(JSON.stringify({ ...jsonEvent(event), level }));
      return;
    }
    switch (event.type) {
      case 'run_started': {
        const parts = (event.found ?? Object.entries(event.counts)).map(([k, n]) => `${n} ${countedName(k, n)}`);
        out(`Found ${parts.join(', ') || 'nothing to do'}`);
        out(`Concurrency: ${event.threads} threads (target='${event.targetName}')`);
        out('');
        break;
      }
      case 'node_started':
        out(f(`START ${describe(event.node)}`, 'RUN', event.index, event.total));
        break;
      case 'node_finished':
        out(finishedLine(event.result, event.index, event.total, c, f), resultLevel(event.result));
        break;
      case 'hook_finished': {
        // dbt's LogHookEndLine: `1 of 2 OK hook: proj.on-run-start.0 ..... [OK in 0.01s]`.
        const h = event.result;
        const secs = `${h.executionTime.toFixed(2)}s`;
        if (h.status === 'success') out(f(`${c.green('OK')} hook: ${h.name}`, `${c.green('OK')} in ${secs}`, event.index, event.total));
        else if (h.status === 'skipped') out(f(`${c.yellow('SKIP')} hook: ${h.name}`, c.yellow('SKIP'), event.index, event.total), 'warn');
        else {
          out(f(`${c.red('ERROR')} hook: ${h.name}`, `${c.red('ERROR')} in ${secs}`, event.index, event.total), 'error');
          for (const line of h.message.split('\n').slice(0, 12)) out(c.red(`  ${line}`), 'error');
        }
        break;
      }
      case 'warning':
        out(c.yellow(`[WARNING]: ${event.message}`), 'warn');
        break;
      case 'log':
        out(event.message, event.level);
        break;
      case 'run_finished':
        summary(event.results, event.elapsed, event.interrupted, out, c);
        break;
      case 'stopping':
        // Shown at every level but none (--quiet too): the user pressed Ctrl-C and needs to know why nothing ends yet.
        if (min !== 'none') (options.writeErr ?? options.write)(`${time()}  ${stoppingLine(event.running, event.waited)}`);
        break;
    }
  };
}

/** A stopped run still waiting for the statements it KILLed to end in the warehouse. */
export function stoppingLine(running: number, waited: number): string {
  const what = `${running} running statement${running === 1 ? '' : 's'} to end`;
  return `${waited >= 5 ? `Still waiting (${waited}s) for ${what}` : `Waiting for ${what}`}… (Ctrl-C again to exit now)`;
}

function finishedLine(r: NodeResult, index: number, total: number, c: ReturnType<typeof pc.createColors>, fancy: (msg: string, status: string, index: number, total: number) => string): string {
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
    case 'skipped': {
      // dbt's SkippingDetails: `SKIP relation <schema>.<name>` for a model, seed or snapshot, else `SKIP <resource type> <name>`.
      const n = r.node;
      const what = n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot' ? `relation ${n.relation.schema}.${n.name}` : `${n.resourceType} ${n.name}`;
      return fancy(`${c.yellow('SKIP')} ${what}`, c.yellow('SKIP'), index, total);
    }
    case 'no-op':
      // dbt's LogNodeNoOpResult.
      return fancy(`${c.yellow('NO-OP')} ${d}`, `${c.yellow('NO-OP')} in ${secs}`, index, total);
    case 'partial success':
      // dbt's microbatch result: some batches failed (see the summary).
      return fancy(`${c.yellow('PARTIAL SUCCESS')} creating ${d}`, `${c.yellow(r.message)} in ${secs}`, index, total);
    default:
      if (r.node.resourceType === 'snapshot') return fancy(`${c.red('ERROR')} snapshotting ${r.node.relation.schema}.${r.node.relation.identifier}`, `${c.red('ERROR')} in ${secs}`, index, total);
      return fancy(`${c.red('ERROR')} creating ${d}`, `${c.red('ERROR')} in ${secs}`, index, total);
  }
}

function summary(results: readonly NodeResult[], elapsed: number, interrupted: boolean, out: Out, c: ReturnType<typeof pc.createColors>): void {
  const count = (...s: string[]) => results.filter((r) => s.includes(r.status)).length;
  out('');
  out(`Finished running ${results.length} node${results.length === 1 ? '' : 's'} in ${elapsed.toFixed(2)}s.`);
  // A node skipped because an ephemeral model it inlines did not compile is an error of the run (dbt's).
  const ephemeralSkip = (r: NodeResult) => r.status === 'skipped' && r.skipReason === 'ephemeral';
  // dbt's print_run_end_messages: errors and warnings are listed; a microbatch model's partial success
  // is counted in the summary line only (its failed batches were printed as it finished).
  const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn' || ephemeralSkip(r));
  const partial = count('partial success');
  if (interrupted) out(c.red('The run was stopped before it finished.'), 'error');
  if (problems.length === 0 && partial === 0) out(c.green('Completed successfully'));
  else {
    const errors = count('error', 'fail') + results.filter(ephemeralSkip).length;
    const level = errors ? 'error' : 'warn';
    out(endOfRunSummary(errors, partial, count('warn'), c), level);
    for (const r of problems) {
      const level = r.status === 'warn' ? 'warn' : 'error';
      out('', level);
      const kind = r.node.resourceType === 'test' ? 'test' : r.node.resourceType;
      const where = r.file ? ` (${r.file}${r.line ? `:${r.line}` : ''})` : ` (${r.node.originalFilePath})`;
      out(`${r.status === 'warn' ? c.yellow('Warning') : c.red('Failure')} in ${kind} ${r.node.name}${where}`, level);
      // A unit test's message is its diff table: shown whole, as dbt does.
      // dbt's RunResultError: the message indented by two; a "Database Error in …" / "Compilation Error in …" body's
      // lines keep their own indent (a unit test's diff rows are indented like any other message).
      const ownIndent = /^\w+ Error in /.test(r.message);
      for (const line of r.message.split('\n').slice(0, r.node.resourceType === 'unit_test' ? 200 : 12)) out(ownIndent && line.startsWith('  ') ? line : `  ${line}`, level);
      // What to do (not in dbt's output, which has no hints): for a write refused or cut short, where its rows are.
      if (r.hint) out(`  ${c.cyan('hint:')} ${r.hint}`, level);
      // As dbt: where to read the SQL that failed, and the stored failing rows.
      if (r.compiledPath) {
        out('', level);
        out(`  compiled code at ${displayPath(r.compiledPath)}`, level);
      }
      if (r.relationName) {
        const query = `select * from ${r.relationName}`;
        const border = '-'.repeat(query.length);
        out('', level);
        for (const line of ['See test failures:', border, query, border]) out(`  ${line}`, level);
      }
    }
  }
  out('');
  // dbt 1.10's StatsLine: a partial success counts as an error (interpret_run_result); NO-OP counts dbt's no-op
  // status (build's exposures and saved queries).
  out(`Done. PASS=${count('success', 'pass')} WARN=${count('warn')} ERROR=${count('error', 'fail', 'partial success')} SKIP=${count('skipped')} NO-OP=${count('no-op')} TOTAL=${results.length}`);
}

/** dbt 1.10's EndOfRunSummary line. */
function endOfRunSummary(errors: number, partial: number, warnings: number, c: ReturnType<typeof pc.createColors>): string {
  const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
  const partials = plural(partial, 'partial success', 'partial successes');
  if (errors > 0) return c.red(`Completed with ${plural(errors, 'error')}, ${partials}, and ${plural(warnings, 'warning')}:`);
  if (partial > 0) return c.yellow(`Completed with ${partials} and ${plural(warnings, 'warning')}`);
  return c.yellow(`Completed with ${plural(warnings, 'warning')}:`);
}

function jsonLevel(event: RunEvent): Exclude<LogLevel, 'none'> {
  switch (event.type) {
    case 'warning':
      return 'warn';
    case 'log':
      return event.level;
    case 'node_finished':
      return resultLevel(event.result);
    default:
      return 'info';
  }
}

function jsonEvent(event: RunEvent): Record<string, unknown> {
  const ts = new Date().toISOString();
  switch (event.type) {
    case 'node_started':
      return { ts, event: 'node_started', unique_id: event.node.uniqueId, index: event.index, total: event.total };
    case 'node_finished': {
      const r = event.result;
      return { ts, event: 'node_finished', unique_id: r.uniqueId, status: r.status, message: r.message, rows: r.rowsAffected ?? null, failures: r.failures ?? null, execution_time: r.executionTime, index: event.index, total: event.total, compiled_path: r.compiledPath ?? null };
    }
    case 'run_finished':
      return { ts, event: 'run_finished', elapsed: event.elapsed, interrupted: event.interrupted, total: event.results.length };
    default:
      return { ts, event: event.type, ...event, type: undefined };
  }
}
