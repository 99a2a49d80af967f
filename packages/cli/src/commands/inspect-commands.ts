import type { ManifestNode } from '@tsdbt/core';
import { NUMERIC_RULES } from '@tsdbt/core';
import { formatError } from '../printer/format-error.js';
import { numericFlag, openProject, selection, type GlobalFlags, type Io, type SelectFlags } from './common.js';

/** `tsdbt compile`: writes target/compiled and target/manifest.json; `--inline` prints one rendering. */
export async function compileCommand(flags: GlobalFlags & SelectFlags & { inline?: string; quiet?: boolean; empty?: boolean }, io: Io): Promise<number> {
  const project = openProject(flags, io, {}, true);
  if (flags.inline !== undefined) {
    io.out(project.compileInline(flags.inline));
    return 0;
  }
  const compiled = await project.compile({ ...selection(flags), empty: flags.empty });
  if (flags.logFormat === 'json') io.out(JSON.stringify({ compiled: compiled.length, target: project.targetDir }));
  else io.out(`Compiled ${compiled.length} node${compiled.length === 1 ? '' : 's'} into ${project.targetDir}/compiled (manifest: ${project.targetDir}/manifest.json)`);
  return 0;
}

/** `tsdbt ls`: names, paths or JSON of the selected nodes. */
export async function lsCommand(flags: GlobalFlags & SelectFlags & { output?: string }, io: Io): Promise<number> {
  const project = openProject(flags, io, {}, true);
  const types = flags.resourceType?.length ? (flags.resourceType as ManifestNode['resourceType'][]) : undefined;
  const ids = project.select({ ...selection(flags), resourceTypes: types });
  for (const id of ids) {
    const n = project.node(id);
    if (flags.output === 'path') io.out(n.originalFilePath);
    else if (flags.output === 'json')
      io.out(JSON.stringify({ name: n.name, resource_type: n.resourceType, unique_id: n.uniqueId, original_file_path: n.originalFilePath, config: n.config, depends_on: { nodes: n.dependsOn } }));
    // dbt's ls selectors: sources and unit tests by their method (`unit_test:<package>.<name>`), the rest by fqn.
    else io.out(n.resourceType === 'source' ? `source:${n.fqn.join('.')}` : n.resourceType === 'unit_test' ? `unit_test:${n.packageName}.${n.name}` : n.fqn.join('.'));
  }
  return 0;
}

/** `tsdbt show`: a preview of a model's rows or of inline SQL. */
export async function showCommand(flags: GlobalFlags & { select?: string[]; inline?: string; limit?: string; output?: string }, io: Io): Promise<number> {
  const limit = numericFlag('--limit', flags.limit, NUMERIC_RULES.limit) ?? 5;
  const project = openProject(flags, io, {}, true);
  try {
    const rows = await project.show({ select: flags.select?.join(' '), inline: flags.inline, limit });
    if (flags.output === 'json') io.out(JSON.stringify(rows));
    else io.out(table(rows));
    return 0;
  } finally {
    await project.close();
  }
}

function table(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = cols.map((c) => Math.min(40, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) => '| ' + vals.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i]!)).join(' | ') + ' |';
  const sep = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(cols), sep, ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

/** `tsdbt debug`: the resolved project and target (its type's keys), and the checks; exit 1 when one failed, as dbt. */
export async function debugCommand(flags: GlobalFlags, io: Io): Promise<number> {
  const project = openProject(flags, io, {}, true);
  try {
    const info = await project.debug();
    if (flags.logFormat === 'json') {
      const checks = info.checks.map((c) => ({ name: c.name, status: c.status, error: c.error instanceof Error ? c.error.message : undefined }));
      io.out(JSON.stringify({ project: info.project, target: info.target, server_version: info.serverVersion ?? null, checks, success: info.success }));
      return info.success ? 0 : 1;
    }
    io.out(`project: ${info.project.name} (${info.project.root}/${info.project.file})`);
    io.out(`profile: ${info.project.profile}, target: ${String(info.target.name)} (from ${String(info.target.source)})`);
    for (const [k, v] of Object.entries(info.target)) if (k !== 'name' && k !== 'source') io.out(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    for (const check of info.checks) {
      const verdict = check.status === 'ok' ? (check.name === 'connection' ? `[OK connection ok] (ClickHouse ${info.serverVersion})` : '[OK]') : check.status === 'error' ? '[ERROR]' : '[SKIPPED: an earlier check failed]';
      io.out(`${check.label}: ${verdict}`);
    }
    const failed = info.checks.filter((c) => c.status === 'error');
    if (failed.length === 0) {
      io.out('All checks passed!');
      return 0;
    }
    io.out(`${failed.length} check${failed.length === 1 ? '' : 's'} failed:`);
    for (const check of failed) io.out(`${check.label}: ${formatError(check.error, { color: false, debug: Boolean(flags.debug), projectDir: flags.projectDir ?? process.cwd() })}`);
    return 1;
  } finally {
    await project.close();
  }
}

/** `tsdbt run-operation <macro> --args '<yaml>'`. */
export async function runOperationCommand(macro: string, flags: GlobalFlags & { args?: string }, io: Io, parseArgs: (t?: string) => Record<string, unknown>): Promise<number> {
  const project = openProject(flags, io);
  try {
    const out = await project.runOperation(macro, parseArgs(flags.args));
    if (out) io.out(out);
    return 0;
  } finally {
    await project.close();
  }
}
