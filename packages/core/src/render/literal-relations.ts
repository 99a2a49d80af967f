import nunjucks from 'nunjucks';
import type { RefCall } from '../manifest/nodes.js';

/** ref() and source() calls written with literal arguments somewhere in a template. */
export interface LiteralRelations {
  readonly refs: RefCall[];
  readonly sources: [string, string][];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const nodes = (nunjucks as any).nodes;

/**
 * Every `ref('…')` / `source('…', '…')` with string-literal arguments in a parsed template, in
 * every branch (taken or not): what a model may read when rendering could not tell which branch
 * a run takes. Calls with computed arguments cannot be found this way.
 */
export function literalRelations(root: unknown): LiteralRelations {
  const out: LiteralRelations = { refs: [], sources: [] };
  const visit = (node: any): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (!(node instanceof nodes.Node)) return;
    if (node instanceof nodes.FunCall && node.name instanceof nodes.Symbol) {
      const args: any[] = node.args?.children ?? [];
      const strings = args.filter((a) => a instanceof nodes.Literal && typeof a.value === 'string').map((a) => a.value as string);
      const positional = args.filter((a) => !(a instanceof nodes.KeywordArgs));
      if (strings.length === positional.length) {
        if (node.name.value === 'ref' && (strings.length === 1 || strings.length === 2)) {
          const version = pinnedVersion(args.find((a) => a instanceof nodes.KeywordArgs));
          const call = strings.length === 1 ? { name: strings[0]! } : { package: strings[0]!, name: strings[1]! };
          out.refs.push(version !== undefined ? { ...call, version } : call);
        }
        if (node.name.value === 'source' && strings.length === 2) out.sources.push([strings[0]!, strings[1]!]);
      }
    }
    for (const field of [...(node.fields ?? []), 'children']) visit(node[field]);
  };
  visit(root);
  return out;
}

/** The literal `v=` / `version=` keyword of a ref() call, if any. */
function pinnedVersion(kwargs: any): string | undefined {
  for (const pair of kwargs?.children ?? []) {
    const key = pair.key?.value;
    if ((key === 'v' || key === 'version') && pair.value instanceof nodes.Literal && (typeof pair.value.value === 'string' || typeof pair.value.value === 'number')) return String(pair.value.value);
  }
  return undefined;
}
