import nunjucks from 'nunjucks';
import type { MacroNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import { BUILTIN_MACROS, BUILTIN_MACROS_FILE } from './builtin-macros.js';
import { installDbtContext, type DbtContextOptions, type StateSlot } from './dbt-context.js';
import { createJinjaEnvironment, preprocessJinja } from './jinja-compat/index.js';
import type { RenderState } from './render-state.js';
import { literalRelations, type LiteralRelations } from './literal-relations.js';
import { toRenderError } from './template-error.js';

export interface MacroFile {
  /** Project-relative path. */
  readonly path: string;
  readonly source: string;
  readonly packageName: string;
}

/** nunjucks' Template.getExported exists at runtime but is missing from @types/nunjucks. */
interface TemplateWithExports {
  getExported(ctx: object, frame: null, cb: (err: unknown, result: Record<string, unknown>) => void): void;
}

const MACRO_HEADER = /\{%-?\s*(macro|test)\s+([A-Za-z_]\w*)\s*\(([^)]*)\)/g;

/**
 * Renders models, tests and macros with the dbt context. Holds one nunjucks environment whose
 * globals are the dbt functions and every project macro (as in dbt, macros are global).
 */
export class Renderer {
  private readonly env: nunjucks.Environment;
  private readonly slot: StateSlot = { current: undefined };
  private readonly macroNames = new Map<string, MacroNode>();

  constructor(options: DbtContextOptions, macroFiles: readonly MacroFile[]) {
    this.env = createJinjaEnvironment();
    // A run-time probe render (load/runtime-relations.ts) is silent: its logs would print twice.
    const onLog: DbtContextOptions['onLog'] = (message, level) => (this.slot.current?.runtimeProbe ? undefined : options.onLog(message, level));
    installDbtContext(this.env, this.slot, { ...options, onLog });
    this.loadMacroFile({ path: BUILTIN_MACROS_FILE, source: BUILTIN_MACROS, packageName: 'tsdbt' });
    for (const file of macroFiles) this.loadMacroFile(file);
  }

  macros(): MacroNode[] {
    return [...this.macroNames.values()];
  }

  hasMacro(name: string): boolean {
    return this.macroNames.has(name);
  }

  /** Compiles one template; syntax errors surface here with file and line. */
  compile(source: string, file: string): nunjucks.Template {
    try {
      return new nunjucks.Template(preprocessJinja(source, file), this.env, file, true);
    } catch (error) {
      throw toRenderError(error, file);
    }
  }

  /** ref()/source() calls with literal arguments anywhere in `source`, rendered or not (see literal-relations.ts). */
  literalRelations(source: string, file: string): LiteralRelations {
    try {
      const nj = nunjucks as unknown as { parser: { parse(src: string, extensions: unknown[], opts: unknown): unknown } };
      const env = this.env as unknown as { extensionsList: unknown[]; opts: unknown };
      return literalRelations(nj.parser.parse(preprocessJinja(source, file), env.extensionsList, env.opts));
    } catch (error) {
      throw toRenderError(error, file);
    }
  }

  /** Renders `template` with `state` as the render in progress. */
  render(template: nunjucks.Template, file: string, state: RenderState, context: Record<string, unknown> = {}): string {
    const previous = this.slot.current;
    this.slot.current = state;
    try {
      return template.render(context);
    } catch (error) {
      throw toRenderError(error, file);
    } finally {
      this.slot.current = previous;
    }
  }

  renderString(source: string, file: string, state: RenderState, context: Record<string, unknown> = {}): string {
    return this.render(this.compile(source, file), file, state, context);
  }

  /** Calls a global macro with positional args and keyword args, as `{{ name(...) }}` would. */
  callMacro(name: string, state: RenderState, args: readonly unknown[], kwargs: Record<string, unknown> = {}): string {
    const macro = this.macroNames.get(name);
    const fn = macro ? (this.env.getGlobal(name) as unknown) : undefined;
    if (typeof fn !== 'function' || !macro)
      throw new ProjectError('unknown_macro', `Macro '${name}' not found`, {
        hint: 'Define it in a .sql file under the macro paths.',
      });
    const previous = this.slot.current;
    this.slot.current = state;
    try {
      const out = Object.keys(kwargs).length > 0 ? fn(...args, { ...kwargs, __keywords: true }) : fn(...args);
      return out === undefined || out === null ? '' : String(out);
    } catch (error) {
      const e = toRenderError(error, macro.originalFilePath);
      // A macro called from here (not from a template) gets no line from nunjucks: point at its header.
      if (!(e instanceof ProjectError) || e.line !== undefined || (e.file ?? macro.originalFilePath) !== macro.originalFilePath) throw e;
      throw new ProjectError(e.code, `${e.message} (in macro ${name})`, { file: macro.originalFilePath, line: macro.line, hint: e.hint, cause: e });
    } finally {
      this.slot.current = previous;
    }
  }

  private loadMacroFile(file: MacroFile): void {
    const template = this.compile(file.source, file.path);
    let exported: Record<string, unknown> = {};
    try {
      (template as unknown as TemplateWithExports).getExported({}, null, (err, result) => {
        if (err) throw err;
        exported = result;
      });
    } catch (error) {
      throw toRenderError(error, file.path);
    }
    const headers = new Map<string, { line: number; kind: 'macro' | 'test'; args: string[] }>();
    for (const m of file.source.matchAll(MACRO_HEADER)) {
      const line = file.source.slice(0, m.index).split('\n').length;
      const kind = m[1] as 'macro' | 'test';
      const name = kind === 'test' ? `test_${m[2]}` : m[2]!;
      headers.set(name, { line, kind, args: m[3]!.split(',').map((a) => a.split('=')[0]!.trim()).filter(Boolean) });
    }
    for (const [name, fn] of Object.entries(exported)) {
      if (typeof fn !== 'function') continue;
      const header = headers.get(name);
      const uniqueId = `macro.${file.packageName}.${name}`;
      const slot = this.slot;
      // Record which macros a node used, so watch mode can re-render its users.
      const tracked = function (this: unknown, ...args: unknown[]) {
        slot.current?.macrosUsed.add(uniqueId);
        return (fn as (...a: unknown[]) => unknown).apply(this, args);
      };
      this.env.addGlobal(name, tracked);
      this.macroNames.set(name, {
        uniqueId,
        name,
        packageName: file.packageName,
        originalFilePath: file.path,
        line: header?.line ?? 1,
        kind: header?.kind ?? 'macro',
        argNames: header?.args ?? [],
      });
    }
  }
}
