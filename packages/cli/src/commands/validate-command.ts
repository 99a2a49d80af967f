import pc from 'picocolors';
import { prepareValidation, type ProjectAnalysis, type TsdbtProject, type ValidationIssue } from '@tsdbt/core';
import { codeFrame } from '../printer/format-error.js';
import { openProject, selection, type GlobalFlags, type Io, type SelectFlags } from './common.js';

/**
 * `tsdbt validate`: the selection's shape with no data (a scratch warehouse of its own). Every error
 * as `file:line:col`, ClickHouse's message, a code frame and a hint; exit 1 when there is one.
 */
export async function validateCommand(flags: GlobalFlags & SelectFlags, io: Io): Promise<number> {
  prepareValidation(); // the scratch warehouse starts while the project loads
  const project = openProject(flags, io, {}, true);
  try {
    const analysis = await project.validate(selection(flags));
    if (flags.logFormat === 'json') printJson(project, analysis, io);
    else printText(project, analysis, io, flags);
    return analysis.issues.some((i) => i.severity === 'error') ? 1 : 0;
  } finally {
    await project.close();
  }
}

function location(i: ValidationIssue): string {
  return [i.file, i.line, i.line !== undefined ? i.column : undefined].filter((p) => p !== undefined).join(':');
}

function printText(project: TsdbtProject, analysis: ProjectAnalysis, io: Io, flags: GlobalFlags): void {
  const c = pc.createColors(flags.color !== false && io.isTty);
  const nameOf = (id: string) => project.manifest.nodes.get(id)?.name ?? id;
  for (const issue of analysis.issues) {
    const label = issue.severity === 'error' ? c.red('error') : c.yellow('warning');
    const subject = project.manifest.nodes.get(issue.uniqueId);
    io.out(`${c.bold(location(issue))}: ${label} in ${subject?.resourceType ?? 'node'} ${nameOf(issue.uniqueId)}: ${issue.message} ${c.dim(`[${issue.code}]`)}`);
    if (issue.via) io.out(`  ${c.dim(issue.via.startsWith('in macro') ? issue.via : `(from ${issue.via})`)}`);
    const frame = issue.line ? codeFrame(project.manifest.projectRoot, issue.file, issue.line, issue.column) : '';
    if (frame) io.out(frame);
    if (issue.hint) io.out(`${c.cyan('hint:')} ${issue.hint}`);
    io.out('');
  }
  const selected = new Set(analysis.selected);
  const blocked = [...analysis.nodes.values()].filter((n) => n.status === 'not_validated' && selected.has(n.uniqueId));
  if (blocked.length) {
    io.out(c.yellow(`Not validated (an upstream node has errors): ${blocked.slice(0, 20).map((n) => `${nameOf(n.uniqueId)} (${nameOf(n.blockedBy!)})`).join(', ')}${blocked.length > 20 ? ` and ${blocked.length - 20} more` : ''}`));
  }
  const errors = analysis.issues.filter((i) => i.severity === 'error').length;
  const warnings = analysis.issues.length - errors;
  const counts = new Map<string, number>(['model', 'snapshot', 'seed', 'source', 'test'].map((t) => [t, 0]));
  for (const id of analysis.selected) {
    const t = project.manifest.nodes.get(id)?.resourceType ?? 'node';
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const what = [...counts].filter(([, n]) => n > 0).map(([t, n]) => `${n} ${t}${n === 1 ? '' : 's'}`).join(', ') || 'nothing';
  const verdict = errors ? c.red(`${errors} error${errors === 1 ? '' : 's'}`) : c.green('no errors');
  io.out(`Validated ${what} in ${analysis.elapsed.toFixed(2)}s: ${verdict}, ${warnings} warning${warnings === 1 ? '' : 's'}${blocked.length ? `, ${blocked.length} not validated` : ''}.`);
}

function printJson(project: TsdbtProject, analysis: ProjectAnalysis, io: Io): void {
  for (const i of analysis.issues)
    io.out(JSON.stringify({
      event: 'validate_issue', unique_id: i.uniqueId, severity: i.severity, code: i.code, message: i.message, file: i.file, line: i.line ?? null, column: i.column ?? null,
      hint: i.hint ?? null, via: i.via ?? null, variant: i.variant ?? null, clickhouse_code: i.clickhouseCode ?? null,
    }));
  const selected = new Set(analysis.selected);
  for (const n of analysis.nodes.values())
    if (n.status === 'not_validated' && selected.has(n.uniqueId)) io.out(JSON.stringify({ event: 'validate_not_validated', unique_id: n.uniqueId, blocked_by: n.blockedBy ?? null }));
  const errors = analysis.issues.filter((i) => i.severity === 'error').length;
  io.out(JSON.stringify({
    event: 'validate_finished', nodes: analysis.selected.length, errors, warnings: analysis.issues.length - errors,
    not_validated: [...analysis.nodes.values()].filter((n) => n.status === 'not_validated' && selected.has(n.uniqueId)).length, elapsed: analysis.elapsed,
    project: project.manifest.projectName,
  }));
}
