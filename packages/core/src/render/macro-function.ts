import type nunjucks from 'nunjucks';
import type { MacroNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import type { StateSlot } from './dbt-context.js';
import { MacroArgumentError } from './jinja-compat/macro-args.js';
import { macroCallError, raiseInTemplate, toRenderError } from './template-error.js';

export type MacroFn = (...args: unknown[]) => unknown;

/** nunjucks' Template.getExported exists at runtime but is missing from @types/nunjucks. */
interface TemplateWithExports {
  getExported(ctx: object, frame: null, cb: (err: unknown, result: Record<string, unknown>) => void): void;
}

/**
 * The function templates call for a macro block: compiled from its text (`compile`: Renderer.compile, a Jinja error
 * raised for the render that needed the macro), recording each use (watch mode re-renders users; the parse cache keys
 * on the macros a render called) and locating its errors at the call.
 */
export function macroFunction(node: MacroNode, source: string, compile: (source: string, file: string) => nunjucks.Template, slot: StateSlot): MacroFn {
  return trackCalls(node, compileMacro(node, source, compile), slot);
}

function compileMacro(node: MacroNode, source: string, compile: (source: string, file: string) => nunjucks.Template): unknown {
  try {
    const template = compile(source, node.originalFilePath);
    let exported: Record<string, unknown> = {};
    (template as unknown as TemplateWithExports).getExported({}, null, (err, result) => {
      if (err) throw err;
      exported = result;
    });
    return exported[node.name];
  } catch (error) {
    raiseInTemplate(toRenderError(error, node.originalFilePath));
  }
}

function trackCalls(node: MacroNode, fn: unknown, slot: StateSlot): MacroFn {
  if (typeof fn !== 'function')
    raiseInTemplate(new ProjectError('unknown_macro', `Macro '${node.packageName}.${node.name}' is not defined at the top level of ${node.originalFilePath}`, {
      file: node.originalFilePath,
      line: node.line,
      hint: 'Define macros at the top level of a macro file, not inside {% if %} or another block.',
    }));
  const site = { label: `${node.packageName}.${node.name}`, file: node.originalFilePath };
  return function (this: unknown, ...args: unknown[]) {
    slot.current?.macrosUsed.add(node.uniqueId);
    slot.tracker?.macros.add(node.uniqueId);
    try {
      return (fn as MacroFn).apply(this, args);
    } catch (error) {
      // A call that does not fit the signature is the caller's error, at the call (Jinja2's TypeError).
      if (error instanceof MacroArgumentError) throw error;
      throw macroCallError(error, site);
    }
  };
}
