// `tsdbt show`: preview rows of selected models, seeds and sources, or of inline SQL (TsdbtProject.previews).
import { didYouMean } from '../shared/did-you-mean.js';
import { UsageError } from '../shared/errors.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import type { ProjectHost } from '../project-host.js';
import { hasDigitText, inlinePreviewRows, modelPreviewRows, namedInSelection, previewDatabaseError, previewName, previewSql, wideIntegerColumns, type Preview } from './show-rows.js';

/** See TsdbtProject.previews. */
export async function previews(p: ProjectHost, options: { select?: string; inline?: string; inlineDirect?: string; limit?: number }, atMost = Infinity): Promise<Preview[]> {
  const limit = optionalInteger('limit', options.limit, NUMERIC_RULES.limit) ?? 5;
  const inline = async (sql: string) => {
    const client = (await p.adapter()).client;
    const rows = await client.query<Record<string, unknown>>(sql).catch((e: unknown) => Promise.reject(previewDatabaseError(e, 'sql_operation inline_query (from remote system.sql)')));
    const wideIntegers = hasDigitText(rows) ? await (await p.adapter()).queryColumns(sql).then(wideIntegerColumns, () => []) : [];
    return [{ rows: limit >= 0 ? rows.slice(0, limit) : rows, wideIntegers }];
  };
  if (options.inlineDirect !== undefined) return inline(options.inlineDirect);
  if (options.inline !== undefined) {
    // As an ad-hoc model of the project would run (dbt_semantics): execute/show-rows.ts.
    const sql = p.compileInline(options.inline);
    const adapter = await p.adapter();
    const wideIntegers: string[] = [];
    const rows = await inlinePreviewRows(p.runContext(adapter, {}), adapter, sql, p.loaded.projectFile, limit, wideIntegers).catch((e: unknown) => Promise.reject(previewDatabaseError(e, 'sql_operation inline_query (from remote system.sql)')));
    return [{ rows, wideIntegers }];
  }
  if (!options.select) throw new UsageError('show_args', 'Either --select or --inline must be passed to show', { hint: 'Name a model (--select my_model) or give SQL (--inline "select …").' });
  const picked = namedInSelection(p.select({ select: [options.select], resourceTypes: ['model', 'seed', 'source'] }).map((id) => p.graph.node(id)), options.select);
  if (picked.length === 0 || picked.length > atMost) {
    const names = [...p.manifest.nodes.values()].filter((n) => n.resourceType === 'model' || n.resourceType === 'seed').map((n) => n.name);
    const guess = picked.length === 0 ? didYouMean(options.select, names) : undefined;
    throw new UsageError('show_select', `--select '${options.select}' picks ${picked.length} nodes; show needs ${atMost === 1 ? 'exactly one' : 'at least one'}`, { hint: guess ? `Did you mean '${guess}'?` : 'Name a model, seed or source.' });
  }
  const adapter = await p.adapter();
  const out: Preview[] = [];
  for (const node of picked) {
    const what = `${node.resourceType} ${node.name} (${node.originalFilePath})`;
    // A model as its build runs it (execute/show-rows.ts); a seed or source: its table.
    const wideIntegers: string[] = [];
    const table = `\`${node.relation.schema}\`.\`${node.relation.identifier}\``;
    const rows = await (node.resourceType === 'model'
      ? modelPreviewRows(p.runContext(adapter, {}), adapter, node, limit, wideIntegers)
      : adapter.client.query<Record<string, unknown>>(previewSql(`SELECT * FROM ${table}`, limit)).then(async (rows) => {
          if (hasDigitText(rows)) wideIntegers.push(...wideIntegerColumns(await adapter.client.query<{ name: string; type: string }>(`DESCRIBE TABLE ${table}`)));
          return rows;
        })
    ).catch((e: unknown) => Promise.reject(previewDatabaseError(e, what)));
    out.push({ node: previewName(node), rows, wideIntegers });
  }
  return out;
}
