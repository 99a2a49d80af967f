import type { ManifestNode, RefCall, SqlNode } from '../manifest/nodes.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { ProjectError } from '../shared/errors.js';
import { snapshotSource } from './load-snapshots.js';
import { escapeRegExp, lineOfText } from './locate.js';
import { lookupRef, lookupSource, nodeLookup, refNames, type NodeLookup } from '../manifest/node-lookup.js';

/** What ref() and source() resolve against: models, seeds and snapshots by name, sources by `source.table`, per package. */
export type NameIndex = NodeLookup;

export function nameIndex(nodes: Iterable<ManifestNode> | ReadonlyMap<string, ManifestNode>, base?: NameIndex): NameIndex {
  // Native copies of a previous index plus the changed nodes: cheaper than a pass over every node.
  return nodeLookup(nodes instanceof Map ? nodes.values() : (nodes as Iterable<ManifestNode>), base);
}

/** A macro's name, file and text, by unique id: to point at a ref() written inside a macro. */
export type MacroText = (uniqueId: string) => { readonly name: string; readonly file: string; readonly text: string } | undefined;

/**
 * Where a node's ref()/source() call matching `call` is written: in its own file, else in a macro it
 * used (the macro's file and line, and the line of the node that called the macro).
 */
function callSite(n: SqlNode, text: string, call: RegExp, macroText?: MacroText): { file: string; line: number; via?: string } {
  if (!text || call.test(text)) return { file: n.originalFilePath, line: text ? lineOfText(text, call) : n.line };
  for (const id of n.macrosUsed) {
    const macro = macroText?.(id);
    if (!macro || !call.test(macro.text)) continue;
    const from = lineOfText(text, new RegExp(`\\b${escapeRegExp(macro.name)}\\s*\\(`));
    return { file: macro.file, line: lineOfText(macro.text, call), via: `in macro ${macro.name}, called from ${n.originalFilePath}:${from}` };
  }
  return { file: n.originalFilePath, line: 1 };
}

/**
 * Turns each node's ref()/source() calls into parent unique ids; unknown names fail with a did-you-mean.
 * With `only` (incremental re-load), only those nodes are resolved and returned; the others serve as
 * the names to resolve against.
 */
export function resolveDependencies(
  nodes: ReadonlyMap<string, ManifestNode>,
  projectName: string,
  only?: ReadonlySet<string>,
  index: NameIndex = nameIndex(nodes),
  macroText?: MacroText,
  /**
   * Names of disabled nodes: a ref to one fails as dbt's "which is disabled" — a test's is left out
   * with a warning instead (dbt's invalid_target_fail_unless_test).
   */
  disabled?: { readonly names: ReadonlySet<string>; readonly sources?: ReadonlySet<string>; readonly warn: (message: string) => void },
): Map<string, ManifestNode> {
  const ref = (call: RefCall, from: string) => lookupRef(index, call.name, call.package, from, projectName, call.version);
  const source = (s: string, t: string, from: string) => lookupSource(index, s, t, from, projectName);
  const out = new Map<string, ManifestNode>();
  let functions: Map<string, ManifestNode[]> | undefined;
  // function('f') / function('pkg', 'f'): the function of that name, the caller's package's first (dbt's resolve_function).
  const fn = (call: RefCall, from: string) => {
    functions ??= [...nodes.values()].reduce((m, x) => (x.resourceType === 'function' ? m.set(x.name, [...(m.get(x.name) ?? []), x]) : m), new Map<string, ManifestNode[]>());
    const found = functions.get(call.name) ?? [];
    if (call.package) return found.find((x) => x.packageName === call.package);
    return found.find((x) => x.packageName === from) ?? found.find((x) => x.packageName === projectName) ?? found[0];
  };
  // Incremental re-loads resolve a handful of nodes: visit those, not the whole map.
  const todo: Iterable<ManifestNode> = only ? [...only].map((id) => nodes.get(id)).filter((n): n is ManifestNode => n !== undefined) : nodes.values();
  for (const node of todo) {
    if (node.resourceType !== 'model' && node.resourceType !== 'test' && node.resourceType !== 'snapshot' && node.resourceType !== 'analysis' && node.resourceType !== 'function') {
      out.set(node.uniqueId, node);
      continue;
    }
    const n = node as SqlNode;
    const kind = n.resourceType === 'test' ? 'Test' : n.resourceType === 'snapshot' ? 'Snapshot' : n.resourceType === 'analysis' ? 'Analysis' : n.resourceType === 'function' ? 'Function' : 'Model';
    // Lines of errors: in the file's own text (a snapshot block's body is placed at its line); a YAML-defined node points at its entry.
    const text = n.resourceType === 'snapshot' ? (n.originalFilePath.endsWith('.sql') ? snapshotSource(n) : '') : n.resourceType === 'test' && n.testType === 'generic' ? '' : n.rawCode;
    const parents = new Set(n.dependsOn);
    let leftOut = false;
    for (const call of n.refs) {
      if (call.function) {
        const target = fn(call, n.packageName);
        if (!target) {
          const at = callSite(n, text, new RegExp(`function\\s*\\([^)]*['"]${escapeRegExp(call.name)}['"]`), macroText);
          const guess = didYouMean(call.name, functions!.keys());
          // dbt's TargetNotFoundError words for a function.
          throw new ProjectError('unknown_function', `${kind} '${n.uniqueId}' (${n.originalFilePath}) depends on a function named '${call.name}' ${call.package ? `in package or project '${call.package}' ` : ''}which was not found${at.via ? ` (${at.via})` : ''}`, {
            file: at.file,
            line: at.line,
            hint: guess ? `Did you mean function('${guess}')?` : 'Add the function: a .sql file under function-paths (default functions/) with a functions: YAML entry.',
          });
        }
        if (target.uniqueId !== n.uniqueId) parents.add(target.uniqueId);
        continue;
      }
      const target = ref(call, n.packageName);
      if (!target) {
        if (call.version !== undefined && lookupRef(index, call.name, call.package, n.packageName, projectName))
          throw new ProjectError('unknown_ref', `${kind} '${n.name}' refers to version ${call.version} of '${call.name}', which has no such version`, {
            file: n.originalFilePath,
            line: text ? lineOfText(text, new RegExp(`ref\\s*\\([^)]*['"]${escapeRegExp(call.name)}['"]`)) : n.line,
            hint: `Write one of its versions (${versionsOf(index, call.name).join(', ') || 'none: the model is not versioned'}), or leave out v= for the latest.`,
          });
        const at = callSite(n, text, new RegExp(`ref\\s*\\([^)]*['"]${escapeRegExp(call.name)}['"]`), macroText);
        // dbt's TargetNotFoundError(disabled=True); a test is disabled with a warning instead.
        if (disabled?.names.has(call.name) && call.version === undefined) {
          const message = `${kind} '${n.uniqueId}' (${n.originalFilePath}) depends on a node named '${call.name}' ${call.package ? `in package or project '${call.package}' ` : ''}which is disabled`;
          if (n.resourceType === 'test') {
            disabled.warn(message);
            leftOut = true;
            break;
          }
          throw new ProjectError('disabled_ref', message, { file: at.file, line: at.line, hint: `Enable '${call.name}' (its config enabled: true), or disable '${n.name}' too.` });
        }
        const guess = didYouMean(call.name, refNames(index));
        const elsewhere = call.package && index.byName.get(call.name) ? ` (there is a '${call.name}' in ${[...index.byName.get(call.name)!.keys()].join(', ')})` : '';
        // dbt's TargetNotFoundError words (tests match them), then where the call is.
        throw new ProjectError('unknown_ref', `${kind} '${n.uniqueId}' (${n.originalFilePath}) depends on a node named '${call.name}' ${call.package ? `in package or project '${call.package}' ` : ''}which was not found${at.via ? ` (${at.via})` : ''}${elsewhere}`, {
          file: at.file,
          line: at.line,
          hint: call.package && call.package !== projectName && ![...index.byName.values()].some((m) => m.has(call.package!))
            ? `No package '${call.package}' is installed: add it to packages.yml and run tsdbt deps.`
            : guess ? `Did you mean ref('${guess}')?` : 'Check the model name (the file name without .sql).',
        });
      }
      if (target.uniqueId === n.uniqueId)
        // dbt's words ("Found a cycle: model.x.m"), then which model and file.
        throw new ProjectError('cycle', `Found a cycle: ${n.uniqueId} — ${kind.toLowerCase()} '${n.name}' refers to itself: ${n.name} (${n.originalFilePath}) -> ${n.name}`, {
          file: n.originalFilePath,
          hint: "Use {{ this }} to refer to the model's own table.",
        });
      parents.add(target.uniqueId);
    }
    if (leftOut) continue;
    for (const [s, t] of n.sources) {
      const target = source(s, t, n.packageName);
      if (!target && disabled?.sources?.has(`${s}.${t}`)) {
        // dbt's TargetNotFoundError(disabled=True) for a source; a test's is left out with a warning.
        const message = `${kind} '${n.uniqueId}' (${n.originalFilePath}) depends on a source named '${s}.${t}' which is disabled`;
        if (n.resourceType === 'test') {
          disabled.warn(message);
          leftOut = true;
          break;
        }
        const at = callSite(n, text, new RegExp(`source\\s*\\([^)]*['"]${escapeRegExp(t)}['"]`), macroText);
        throw new ProjectError('disabled_ref', message, { file: at.file, line: at.line, hint: `Enable source '${s}.${t}' (its config enabled: true), or disable '${n.name}' too.` });
      }
      if (!target) {
        const guess = didYouMean(`${s}.${t}`, index.sources.keys());
        const at = callSite(n, text, new RegExp(`source\\s*\\([^)]*['"]${escapeRegExp(t)}['"]`), macroText);
        throw new ProjectError('unknown_source', `${kind} '${n.uniqueId}' (${n.originalFilePath}) depends on a source named '${s}.${t}' which was not found${at.via ? ` (source('${s}', '${t}') ${at.via})` : ''}`, {
          file: at.file,
          line: at.line,
          hint: guess ? `Did you mean source('${guess.split('.')[0]}', '${guess.split('.')[1]}')?` : 'Declare it under sources: in a YAML file.',
        });
      }
      parents.add(target.uniqueId);
    }
    if (leftOut) continue;
    // Calls read from run-time branches load could not render: parents when they name a node (not itself).
    for (const call of n.unrenderedRelations?.refs ?? []) {
      const target = call.function ? fn(call, n.packageName) : ref(call, n.packageName);
      if (target && target.uniqueId !== n.uniqueId) parents.add(target.uniqueId);
    }
    for (const [s, t] of n.unrenderedRelations?.sources ?? []) {
      const target = source(s, t, n.packageName);
      if (target) parents.add(target.uniqueId);
    }
    // Nothing added (a generic test's ref names the node it is attached to, a model without refs):
    // a cold load's node as it is, not a copy (a copy of each node per load: allocation for GC).
    out.set(n.uniqueId, !only && parents.size === n.dependsOn.length && Object.isFrozen(n) ? n : Object.freeze({ ...n, dependsOn: [...parents] }));
  }
  return out;
}

/** The versions of model `name` a ref() can pin (`v1`, `v2` …). */
function versionsOf(index: NameIndex, name: string): string[] {
  return [...index.byName.keys()].filter((k) => k.startsWith(`${name}.v`)).map((k) => k.slice(name.length + 1));
}
