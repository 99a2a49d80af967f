import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SourceNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import { quoteIdentifier, relationSql, sqlString } from '../render/placeholders.js';
import type { ClickHouseAdapter, WarehouseColumn } from './clickhouse-adapter.js';
import { parseCsvRecords } from '../shared/csv-records.js';

export interface SourceLoadOutcome {
  readonly rows: number;
  /** Declared columns the file lacks, file columns not declared (reported, not fatal; errors with --warn-error). */
  readonly warnings: string[];
}
import { withStaging } from './staging.js';

/**
 * dbt-external-tables style loading: a source that declares `external: { location, format }`
 * becomes a table (columns from `data_type` in YAML) and the file is streamed into it from the
 * client side, so it works for the embedded engine, a remote server and a cluster (the table is
 * created ON CLUSTER with a replicated engine, as seeds are). The rows are staged and swapped in:
 * a failed load leaves the previous table as it was. As `dbt seed`, a load whose declared columns
 * differ from the existing table's needs `--full-refresh`.
 */
export async function loadExternalSource(
  adapter: ClickHouseAdapter,
  node: SourceNode,
  projectRoot: string,
  location: string,
  options: { signal?: AbortSignal; fullRefresh?: boolean; warnError?: boolean } = {},
): Promise<SourceLoadOutcome> {
  const columns = Object.values(node.columns);
  const untyped = columns.filter((c) => !c.dataType);
  if (columns.length === 0 || untyped.length)
    throw new ProjectError('source_columns', `Source ${node.sourceName}.${node.name} needs a data_type for every column to be loaded (${untyped.map((c) => c.name).join(', ') || 'no columns declared'})`, {
      file: node.originalFilePath,
      line: node.line,
      hint: 'Add columns with data_type (ClickHouse types) under the table in YAML.',
    });
  const file = isAbsolute(location) ? location : join(projectRoot, location);
  if (!existsSync(file))
    throw new ProjectError('source_file', `Source ${node.sourceName}.${node.name}: file not found: ${file}`, {
      file: node.originalFilePath,
      line: node.line,
      hint: 'Check external.location (and the env vars it uses, e.g. INSTACART_CSV_DIR).',
    });
  const format = node.external?.format ?? 'CSVWithNames';
  const warnings = headerWarnings(file, location, format, columns.map((c) => c.name));
  // --warn-error: fail before the table is touched
  if (options.warnError && warnings.length)
    throw new ProjectError('warn_error', `${warnings.join('; ')} (a warning, treated as an error by --warn-error)`, {
      file: node.originalFilePath,
      line: node.line,
      hint: 'Declare the columns the file has (or fix the file), or run without --warn-error.',
    });
  const rel = node.relation;
  const ddl = columns.map((c) => `${quoteIdentifier(c.name)} ${c.dataType}`).join(', ');
  await withStaging(adapter, rel, options.signal, async (s) => {
    const existing = await adapter.relationKind(rel);
    const staged = await s.createTable(ddl, node.config);
    if (existing === 'table' && !options.fullRefresh) {
      const changed = columnChanges(await adapter.columns(rel), await adapter.columns(staged));
      if (changed.length)
        throw new ProjectError('source_columns_changed', `Source ${node.sourceName}.${node.name}: the declared columns differ from the table in the warehouse (${changed.join('; ')})`, {
          file: node.originalFilePath,
          line: node.line,
          hint: 'Run `tsdbt source load --full-refresh` to rebuild the table with the declared columns (as `dbt seed` needs for a changed seed).',
        });
    }
    const settings: Record<string, unknown> = {};
    for (const [name, value] of Object.entries({ input_format_csv_empty_as_default: 1 })) if (await adapter.hasSetting(name)) settings[name] = value;
    const into = relationSql(staged.schema, staged.identifier);
    if (adapter.client.embedded) {
      // The embedded engine reads the file itself: streamed and parsed in parallel, never held in
      // memory as one string (a client-side insert into chDB would, and V8 strings stop at 512 MB).
      const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
      const structure = columns.map((c) => `${quoteIdentifier(c.name)} ${c.dataType}`).join(', ');
      await adapter.client.command(`INSERT INTO ${into} (${names}) SELECT ${names} FROM file(${sqlString(file)}, ${sqlString(format)}, ${sqlString(structure)})`, {
        signal: options.signal,
        settings,
      });
    } else await adapter.client.insertStream(into, createReadStream(file), format, { signal: options.signal, settings });
    await s.swap(staged);
  });
  return { rows: await adapter.rowCount(rel), warnings };
}

/** `name: Type → Type` for each column added, removed or retyped between two tables. */
function columnChanges(before: readonly WarehouseColumn[], after: readonly WarehouseColumn[]): string[] {
  const old = new Map(before.map((c) => [c.name, c.type]));
  const now = new Map(after.map((c) => [c.name, c.type]));
  const out: string[] = [];
  for (const [name, type] of now) if (!old.has(name)) out.push(`${name} is new`);
  else if (old.get(name) !== type) out.push(`${name}: ${old.get(name)} → ${type}`);
  for (const name of old.keys()) if (!now.has(name)) out.push(`${name} was removed`);
  return out;
}

/**
 * For formats with a header line (CSVWithNames, TSVWithNames…): declared columns the file lacks
 * (ClickHouse fills them with the type's default) and file columns nobody declared (skipped).
 * Both load "successfully", so say so.
 */
function headerWarnings(file: string, shown: string, format: string, declared: readonly string[]): string[] {
  // A pipe (a FIFO as location) cannot be read twice: only regular files are checked.
  if (!/WithNames/i.test(format) || !statSync(file).isFile()) return [];
  const tsv = /^(TSV|TabSeparated)/i.test(format);
  const head = readHead(file, 64 * 1024);
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  const names = tsv ? firstLine.split('\t') : (parseCsvRecords(firstLine)[0]?.fields ?? []);
  const inFile = new Set(names.map((n) => n.replace(/^\uFEFF/, '').trim()));
  const missing = declared.filter((c) => !inFile.has(c));
  const extra = [...inFile].filter((c) => c !== '' && !declared.includes(c));
  const out: string[] = [];
  if (missing.length) out.push(`${shown} has no column ${missing.join(', ')} (declared in YAML): loaded as the type's default value`);
  if (extra.length) out.push(`${shown} has column${extra.length === 1 ? '' : 's'} ${extra.join(', ')} that the source does not declare: not loaded`);
  return out;
}

function readHead(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
