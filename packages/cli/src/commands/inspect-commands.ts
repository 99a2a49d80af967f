import type { ManifestNode } from '@tsdbt/core';
import { NUMERIC_RULES, UsageError } from '@tsdbt/core';
import { formatError } from '../printer/format-error.js';
import { formatTable } from '../printer/result-table.js';
import { shows } from '../printer/console-printer.js';
import { resourceTypesOfFlags, type ResourceTypeFlags } from './resource-types.js';
import { numericFlag, openProject, outputSettings, printerFor, selection, type GlobalFlags, type Io, type SelectFlags } from './common.js';

/** Node names a --select names directly (`orders`, `orders+`, `+fqn:orders`): compile prints their SQL, as dbt. */
function namedInSelection(select: readonly string[] | undefined): Set<string> {
  const names = new Set<string>();
  for (const token of (select ?? []).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean)) {
    const bare = token.replace(/^@/, '').replace(/^\d*\+/, '').replace(/\+\d*$/, '');
    const m = /^(?:fqn:)?([^:]+)$/.exec(bare);
    if (m) names.add(m[1]!.split('.').pop()!);
  }
  return names;
}

/**
 * dbt's flags check: `--inline` names the one node to compile or show, so a selection next to it is
 * a usage error ("inline: not allowed with argument select"), not silently ignored.
 */
function assertInlineAlone(flags: { inline?: string; select?: string[]; selector?: string }): void {
  if (flags.inline === undefined) return;
  const other = flags.select?.length ? 'select' : flags.selector !== undefined ? 'selector' : undefined;
  if (other) throw new UsageError('inline', `inline: not allowed with argument ${other}`, { hint: `Give --inline or --${other}, not both.` });
}

/**
 * `tsdbt compile`: writes target/compiled and target/manifest.json; with --select, prints the SQL of
 * the nodes it names (dbt's "Compiled node 'x' is:"); `--inline` prints one rendering.
 */
export async function compileCommand(flags: GlobalFlags & SelectFlags & { inline?: string; empty?: boolean; output?: string; injectEphemeralCtes?: boolean }, io: Io): Promise<number> {
  assertInlineAlone(flags);
  const out = outputSettings(flags, io);
  const json = flags.output === 'json';
  const project = openProject(flags, io, {}, true);
  if (flags.inline !== undefined) {
    const sql = project.compileInline(flags.inline);
    io.out(json ? JSON.stringify({ compiled: sql }, null, 2) : flags.quiet ? sql : `Compiled inline node is:\n${sql}`);
    return 0;
  }
  const compiled = await project.compile({ ...selection(flags), empty: flags.empty, ...(flags.injectEphemeralCtes === false ? { injectEphemeralCtes: false } : {}) });
  const named = namedInSelection(flags.select);
  const shown = compiled.filter((c) => named.has(c.node.name));
  for (const c of shown) io.out(json ? JSON.stringify({ node: c.node.name, compiled: c.sql }, null, 2) : flags.quiet ? c.sql : `Compiled node '${c.node.name}' is:\n${c.sql}`);
  if (shown.length > 0 || !shows(out.level, 'info')) return 0;
  if (out.json) io.out(JSON.stringify({ compiled: compiled.length, target: project.targetDir }));
  else io.out(`Compiled ${compiled.length} node${compiled.length === 1 ? '' : 's'} into ${project.targetDir}/compiled (manifest: ${project.targetDir}/manifest.json)`);
  return 0;
}

/** The keys of `ls --output json` without --output-keys (dbt's ListTask.ALLOWED_KEYS). */
const LS_JSON_KEYS = new Set(['alias', 'name', 'package_name', 'depends_on', 'tags', 'config', 'resource_type', 'source_name', 'original_file_path', 'unique_id']);
const BY_METHOD = new Set(['unit_test', 'exposure', 'metric', 'semantic_model', 'saved_query']);

/**
 * `tsdbt ls`: the selected nodes sorted by unique id, as dbt lists them: `selector` (the default:
 * `project.folder.name`, `source:project.source.table`), `name` (`name`, `source.table`), `path`,
 * or `json` (dbt's keys, or --output-keys). Always exit 0; an empty selection warns.
 */
export async function lsCommand(flags: GlobalFlags & SelectFlags & ResourceTypeFlags & { output?: string; outputKeys?: string[]; excludeResourceType?: string[]; models?: string[]; model?: string[]; warnError?: boolean }, io: Io): Promise<number> {
  const byModels = Boolean(flags.models?.length || flags.model?.length);
  if (byModels && flags.resourceType?.length) throw new UsageError('ls_models', '"models" and "resource_type" are mutually exclusive arguments', { hint: 'Use --select with --resource-type, or --models alone.' });
  // dbt's --warn-error (a global flag there): the selection's warnings fail the command.
  const warnings: string[] = [];
  const printWarning = printerFor(flags, { ...io, out: io.err });
  const project = openProject(flags, io, flags.warnError ? { onEvent: (e) => (e.type === 'warning' ? void warnings.push(e.message) : undefined) } : {}, true);
  // dbt's ListTask: `--models` (the older flag) implies --resource-type model.
  const types = byModels ? ['model'] : resourceTypesOfFlags('ls', flags);
  const ids = types?.length === 0 ? [] : [...project.selectIds({ ...selection(flags), resourceTypes: types as ManifestNode['resourceType'][] | undefined })].sort();
  if (warnings.length) {
    for (const message of warnings.slice(1)) printWarning({ type: 'warning', message });
    throw new UsageError('warn_error', warnings[0]!, { hint: '--warn-error (or DBT_WARN_ERROR) makes warnings errors.' });
  }
  if (ids.length === 0) warn(flags, io, 'No nodes selected!');
  const keys = flags.outputKeys?.length ? new Set(flags.outputKeys) : LS_JSON_KEYS;
  const lines = ids.map((id) => {
    const n = project.node(id);
    if (flags.output === 'path') return n.originalFilePath;
    if (flags.output === 'name') return n.resourceType === 'source' ? `${n.sourceName}.${n.name}` : n.name;
    if (flags.output === 'json') return JSON.stringify(Object.fromEntries(Object.entries(project.nodeDict(id)).filter(([k]) => keys.has(k))));
    // dbt's ls selectors: sources, unit tests, exposures and the semantic layer's resources by their
    // method (`unit_test:<package>.<name>`, `exposure:<package>.<name>`…), the rest by fqn.
    return n.resourceType === 'source' ? `source:${n.packageName}.${n.sourceName}.${n.name}` : BY_METHOD.has(n.resourceType) ? `${n.resourceType}:${n.packageName}.${n.name}` : n.fqn.join('.');
  });
  // One write: 25,000 lines written one by one cost more than listing them.
  if (lines.length) io.out(lines.join('\n'));
  return 0;
}

/** A warning on stderr (commands whose stdout is their output). */
function warn(flags: GlobalFlags, io: Io, message: string): void {
  printerFor(flags, { ...io, out: io.err })({ type: 'warning', message });
}

/**
 * `tsdbt show`: a preview of each selected model's rows or of inline SQL, printed as dbt's ShowNode:
 * "Previewing node 'x':" (inline: "Previewing inline node:") then the table (--quiet: the table
 * alone); `--output json` is dbt's {"node": "x", "show": [rows]} ({"show": …} inline).
 */
export async function showCommand(flags: GlobalFlags & { select?: string[]; selector?: string; inline?: string; inlineDirect?: string; limit?: string; output?: string }, io: Io): Promise<number> {
  assertInlineAlone(flags);
  const limit = numericFlag('--limit', flags.limit, NUMERIC_RULES.limit) ?? 5;
  const project = openProject(flags, io, {}, true);
  try {
    const previews = await project.previews({ select: flags.select?.join(' '), inline: flags.inline, inlineDirect: flags.inlineDirect, limit });
    // --printer-width, else the terminal's width (120 when not a terminal)
    const width = flags.printerWidth ? outputSettings(flags, io).width : io.columns || 120;
    for (const { node, rows, wideIntegers } of previews) {
      if (flags.output === 'json') io.out(showJson(node, rows, wideIntegers ?? []));
      else if (flags.quiet) io.out(formatTable(rows, { width }));
      else io.out(`${node === undefined ? 'Previewing inline node:' : `Previewing node '${node}':`}\n${formatTable(rows, { width })}`);
    }
    return 0;
  } finally {
    await project.close();
  }
}

/**
 * dbt's show JSON: {"node": …, "show": rows}, a 64-bit or wider integer a number (exact, however
 * large: written from its digits, as Python's json writes an int), not ClickHouse's quoted text.
 */
function showJson(node: string | undefined, rows: readonly Record<string, unknown>[], wideIntegers: readonly string[]): string {
  const wide = new Set(wideIntegers);
  const mark = '\u0000int:';
  const top = node === undefined ? { show: rows } : { node, show: rows };
  const text = JSON.stringify(top, function (this: unknown, key, value) {
    return this !== top && wide.has(key) && typeof value === 'string' && /^-?\d+$/.test(value) ? `${mark}${value}` : value;
  }, 2);
  return wide.size ? text.replace(/"\\u0000int:(-?\d+)"/g, '$1') : text;
}

/** `tsdbt debug`: the resolved project and target (its type's keys), and the checks; exit 1 when one failed, as dbt. */
export async function debugCommand(flags: GlobalFlags & { connection?: boolean }, io: Io): Promise<number> {
  if (flags.connection) io.out('Skipping steps before connection verification');
  let project: ReturnType<typeof openProject>;
  try {
    project = openProject(flags, io, {}, true);
  } catch (error) {
    // As dbt debug: a project or profile that does not load is a failed check (exit 1), said as dbt says it.
    const code = (error as { code?: string }).code;
    if (flags.logFormat === 'json' || (code !== 'profiles' && code !== 'project_file')) throw error;
    const message = error instanceof Error ? error.message : String(error);
    io.out(code === 'profiles' ? '  profiles.yml file [ERROR invalid]' : '  dbt_project.yml file [ERROR invalid]');
    io.out('');
    io.out('1 check failed:');
    if (code === 'profiles') io.out('Profile loading failed for the following reason:');
    io.out(message);
    return 1;
  }
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
    // As dbt's RunOperationTask: the macro's result is not printed (what it prints or logs is; codegen's macros print and return the same text).
    await project.runOperation(macro, parseArgs(flags.args), { argsText: flags.args });
    return 0;
  } finally {
    await project.close();
  }
}
