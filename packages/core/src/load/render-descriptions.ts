import type { DocBlock } from '../manifest/manifest.js';
import type { ColumnInfo, MacroNode, ManifestNode } from '../manifest/nodes.js';
import type { MacroPatch } from './schema-yaml.js';
import { raiseInTemplate } from '../render/template-error.js';
import { ProjectError } from '../shared/errors.js';
import { macroArgumentWarnings } from './macro-arg-check.js';

/** Renders one description with the package's YAML context (var, env_var, target) plus `globals`. */
export type DescriptionRender = (text: string, file: string, packageName: string, globals: Readonly<Record<string, unknown>>) => string;

const HAS_JINJA = /\{[{%]/;

const withJinja = (text: string | undefined): boolean => !!text && HAS_JINJA.test(text);

/** Whether a node's description, a column's or a source's own description holds Jinja (asked of every node: no arrays made). */
function describedWithJinja(node: ManifestNode): boolean {
  if (withJinja(node.description) || (node.resourceType === 'source' && withJinja(node.sourceDescription))) return true;
  for (const column of Object.values(node.columns)) if (withJinja(column.description)) return true;
  return false;
}

/**
 * Descriptions as dbt's manifest processes them (process_docs with the DocsRuntimeContext): each
 * node's, source's and column's description is rendered, so `{{ doc('name') }}` becomes that
 * docs block's text. Descriptions without Jinja are kept as written. The nodes are replaced in
 * `nodes` itself (its order kept): a copy of a 25,000-node map per load step was a cold load's
 * allocation for nothing.
 */
export function renderDescriptions(nodes: Map<string, ManifestNode>, docs: ReadonlyMap<string, DocBlock>, rootProject: string, render: DescriptionRender): Map<string, ManifestNode> {
  for (const [id, node] of nodes) {
    if (!describedWithJinja(node)) continue;
    const file = ('patchPath' in node && node.patchPath) || node.originalFilePath;
    const globals = { doc: docFunction(node, docs, rootProject) };
    const rendered = (text: string) => (text && HAS_JINJA.test(text) ? render(text, file, node.packageName, globals) : text);
    const blocks = (text: string) => {
      const named = text ? docBlocksOf(text, node.packageName, docs, rootProject) : [];
      return named.length ? { docBlocks: named } : {};
    };
    const columns: Record<string, ColumnInfo> = {};
    for (const [name, c] of Object.entries(node.columns)) columns[name] = { ...c, description: rendered(c.description), ...blocks(c.description) };
    const described = { ...node, description: rendered(node.description), ...blocks(node.description), columns };
    nodes.set(id, described.resourceType === 'source' ? { ...described, sourceDescription: rendered(described.sourceDescription) } : described);
  }
  return nodes;
}

/**
 * Macros with their `macros:` YAML properties (description, arguments, meta, docs.show), the
 * descriptions rendered as nodes' are. A patch for a macro its package does not define is noted,
 * as dbt warns, and otherwise ignored.
 */
export function describeMacros(
  macros: Iterable<MacroNode>,
  patches: readonly (MacroPatch & { packageName: string })[],
  docs: ReadonlyMap<string, DocBlock>,
  rootProject: string,
  render: DescriptionRender,
  onLog: (message: string, level: 'warn') => void,
  validateArgs = false,
): Map<string, MacroNode> {
  const out = new Map([...macros].map((m) => [m.uniqueId, m]));
  for (const patch of patches) {
    const id = `macro.${patch.packageName}.${patch.name}`;
    const macro = out.get(id);
    if (!macro) {
      onLog(`${patch.file}:${patch.line}: found properties for macro '${patch.name}', which package '${patch.packageName}' does not define`, 'warn');
      continue;
    }
    // dbt's validate_macro_args flag: the YAML arguments checked against the Jinja signature.
    if (validateArgs) for (const message of macroArgumentWarnings(macro, patch.arguments)) onLog(message, 'warn');
    const doc = { doc: docFunction({ uniqueId: id, packageName: patch.packageName }, docs, rootProject) };
    const rendered = (text: string) => (text && HAS_JINJA.test(text) ? render(text, patch.file, patch.packageName, doc) : text);
    out.set(id, {
      ...macro,
      description: rendered(patch.description),
      arguments: patch.arguments.map((a) => ({ ...a, description: rendered(a.description) })),
      meta: patch.meta,
      showDocs: patch.showDocs,
      patchPath: patch.file,
    });
  }
  return out;
}

/**
 * dbt's `doc('name')` / `doc('package', 'name')`: a block of the named package, else of the root
 * project, the node's package, then any package (Manifest.resolve_doc's order).
 */
/** `{{ doc('name') }}` / `{{ doc('package', 'name') }}` as a whole output expression, string-literal arguments. */
const DOC_CALL = /\{\{-?\s*doc\(\s*(['"])((?:(?!\1).)*)\1\s*(?:,\s*(['"])((?:(?!\3).)*)\3\s*)?\)\s*-?\}\}/g;

/**
 * dbt 1.10's _get_doc_blocks (parser/manifest.py): the docs blocks a description names, in order —
 * each `{{ doc(…) }}` output of literal arguments (not `doc('x').format(…)` nor `doc(x) ~ y`),
 * resolved as doc() resolves it (the root project, the node's package, then any); unknown names left out.
 */
function docBlocksOf(text: string, nodePackage: string, docs: ReadonlyMap<string, DocBlock>, rootProject: string): string[] {
  if (!text.includes('doc(')) return [];
  const out: string[] = [];
  for (const m of text.matchAll(DOC_CALL)) {
    const [pkg, name] = m[4] !== undefined ? [m[2]!, m[4]] : [undefined, m[2]!];
    const id = (pkg ? [pkg] : [rootProject, nodePackage]).map((c) => `doc.${c}.${name}`).find((k) => docs.has(k)) ?? (pkg ? undefined : [...docs.values()].find((d) => d.name === name)?.uniqueId);
    if (id) out.push(id);
  }
  return out;
}

function docFunction(node: Pick<ManifestNode, 'uniqueId' | 'packageName'>, docs: ReadonlyMap<string, DocBlock>, rootProject: string): (...args: unknown[]) => string {
  return (...args: unknown[]) => {
    const names = args.filter((a) => typeof a === 'string') as string[];
    if (names.length !== args.length || names.length < 1 || names.length > 2)
      raiseInTemplate(new ProjectError('doc_args', `Invalid arguments to doc() in ${node.uniqueId}: expected doc('name') or doc('package', 'name')`, { hint: "Write e.g. {{ doc('order_status') }}." }));
    const [pkg, name] = names.length === 2 ? names : [undefined, names[0]!];
    for (const candidate of pkg ? [pkg] : [rootProject, node.packageName]) {
      const found = docs.get(`doc.${candidate}.${name}`);
      if (found) return found.blockContents;
    }
    if (!pkg) for (const d of docs.values()) if (d.name === name) return d.blockContents;
    const known = [...docs.values()].filter((d) => !pkg || d.packageName === pkg).map((d) => d.name);
    raiseInTemplate(
      new ProjectError('doc_not_found', `Documentation for '${node.uniqueId}' depends on doc '${name}'${pkg ? ` in package '${pkg}'` : ''} which was not found`, {
        hint: known.length ? `Define it in a .md file under a docs path: {% docs ${name} %}…{% enddocs %} (known docs: ${known.slice(0, 8).join(', ')}).` : `Define it in a .md file under a docs path (e.g. models/docs.md): {% docs ${name} %}…{% enddocs %}.`,
      }),
    );
  };
}
