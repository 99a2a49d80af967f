import nunjucks from 'nunjucks';

/* eslint-disable @typescript-eslint/no-explicit-any */
const nodes = (nunjucks as any).nodes;

/** A call that does not fit the macro's signature: the caller's mistake, reported where the call is. */
export class MacroArgumentError extends Error {}

/** What a macro's body reads of Jinja's special names; set on the macro function by the compiler. */
export interface MacroArgInfo {
  readonly name: string;
  readonly varargs: boolean;
  readonly kwargs: boolean;
  readonly caller: boolean;
}

/** Which of `varargs`, `kwargs` and `caller` a macro body refers to (Jinja2's find_undeclared). */
export function macroArgInfo(node: any): MacroArgInfo {
  const used = new Set<string>();
  const visit = (n: any): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    if (!(n instanceof nodes.Node)) return;
    if (n instanceof nodes.Symbol && (n.value === 'varargs' || n.value === 'kwargs' || n.value === 'caller')) used.add(n.value);
    for (const field of [...(n.fields ?? []), 'children']) visit(n[field]);
  };
  visit(node.body);
  return { name: String(node.name?.value ?? 'macro'), varargs: used.has('varargs'), kwargs: used.has('kwargs'), caller: used.has('caller') };
}

/**
 * Jinja2's Macro.__call__ checks, with its messages: nunjucks drops extra arguments silently, Jinja2
 * (and so dbt) raises. `declared` are the macro's parameters in order; `positional` the number of
 * positional arguments given and `keywords` the keyword ones.
 */
export function checkMacroArgs(info: MacroArgInfo, declared: readonly string[], positional: number, keywords: Readonly<Record<string, unknown>>): void {
  // Keyword arguments fill the parameters the positional ones left open; the rest are left over.
  const open = new Set(positional < declared.length ? declared.slice(positional) : []);
  // dbt's Jinja parser names every macro dbt_macro__<name> (MacroFuzzParser): its messages say so.
  const name = `dbt_macro__${info.name}`;
  const left = Object.keys(keywords).filter((k) => k !== '__keywords' && !open.has(k) && !(k === 'caller' && info.caller));
  if (left.length && !info.kwargs) {
    if (left.includes('caller')) throw new MacroArgumentError(`macro '${name}' was invoked with two values for the special caller argument. This is most likely a bug.`);
    throw new MacroArgumentError(`macro '${name}' takes no keyword argument '${left[0]}'`);
  }
  if (positional > declared.length && !info.varargs) throw new MacroArgumentError(`macro '${name}' takes not more than ${declared.length} argument(s)`);
}
