import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import type { Manifest } from '../manifest/manifest.js';
import type { MacroNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import { installDbtContext, varsOf, type DbtContextOptions, type StateSlot } from './dbt-context.js';
import { mergeReads, newRenderReads, readValue, type RenderReads } from './render-reads.js';
import { createJinjaEnvironment, JinjaTemplate, parseJinja, preprocessJinja, setUndefinedCallHandler } from './jinja-compat/index.js';
import { pyStr } from './jinja-compat/python-values.js';
import { readMacroBlocks } from './macro-blocks.js';
import { BUILTIN_PACKAGE, MacroRegistry, type DispatchEntry, type MacroEntry } from './macro-registry.js';
import { installMacroGlobals } from './macro-globals.js';
import { macroFunction, type MacroFn } from './macro-function.js';
import type { RenderState } from './render-state.js';
import { literalRelations, type LiteralRelations } from './literal-relations.js';
import { locateUnknownFilter, toRenderError, toSyntaxError } from './template-error.js';

/** The source each compiled template was made from (to locate errors nunjucks reports without a position). */
const TEMPLATE_SOURCES = new WeakMap<nunjucks.Template, string>();
import { explainUnknownCall } from './unknown-calls.js';

export interface MacroFile {
  /** The path errors name: project-relative (packages under their install path), or absolute for built-ins. */
  readonly path: string;
  readonly source: string;
  readonly packageName: string;
  /**
   * Compile the file only when one of its macros is first used (installed packages and the
   * built-in package: most of their macros are never called). Root project files compile at
   * load, so their Jinja errors surface at once.
   */
  readonly lazy?: boolean;
  /**
   * tsdbt's ClickHouse versions of an installed package's macros (packages/core/package-macros):
   * they join the package's namespace, and a macro the package defines itself wins over them.
   */
  readonly supplement?: boolean;
}

/** Where macros are searched beyond the root project: the root's `dispatch:` config and the installed packages. */
export interface MacroSearchOptions {
  readonly dispatch?: readonly DispatchEntry[];
  readonly dependencies?: readonly string[];
}

/** Context functions a project may override with a macro of the same name (`builtins.ref` stays dbt's). */
const OVERRIDABLE_CALLS = ['ref', 'source', 'config'] as const;

/** A compiled template (Renderer.compile), rendered as often as needed with Renderer.render. */
export type Template = nunjucks.Template;

/**
 * Renders models, tests and macros with the dbt context. Holds one nunjucks environment whose
 * globals are the dbt functions and, resolved per render as dbt does, the macros of the root
 * project, of installed packages (`pkg.macro`) and of the built-in `dbt` package.
 */
export class Renderer {
  private readonly env: nunjucks.Environment;
  private readonly slot: StateSlot = { current: undefined, configKeysRead: new Set() };
  private readonly options: DbtContextOptions;
  /** Each macro's block text (its hash keys the parse cache entries of the nodes calling it). */
  private readonly macroSources = new Map<string, string>();
  private readonly macroHashes = new Map<string, string>();
  readonly registry: MacroRegistry;

  constructor(options: DbtContextOptions, macroFiles: readonly MacroFile[], search: MacroSearchOptions = {}) {
    this.env = createJinjaEnvironment();
    this.options = options;
    // A run-time probe render (load/runtime-relations.ts) is silent: its logs would print twice.
    // A render that logs is never reused from the parse cache, so its messages print on every load.
    const onLog: DbtContextOptions['onLog'] = (message, level, event) => {
      if (this.slot.current?.runtimeProbe) return;
      if (this.slot.tracker) this.slot.tracker.volatile = true;
      options.onLog(message, level, event);
    };
    this.registry = new MacroRegistry(options.projectName, search.dispatch, new Set(search.dependencies ?? []));
    installDbtContext(this.env, this.slot, { ...options, onLog, renderText: (text, state, file = 'dbt_project.yml') => this.renderString(text, file, state) }, this.registry);
    for (const file of macroFiles) this.loadMacroFile(file);
    installMacroGlobals((this.env as unknown as { globals: Record<string, unknown> }).globals, this.registry, this.slot);
    // dbt's parse-time Undefined is callable: a node calling a macro nobody defines (a package not
    // installed, a typo) still parses; it is rendered again when it runs or compiles, and that
    // render fails with the unknown-macro error — that node only, as dbt's Compilation Error.
    setUndefinedCallHandler(this.env, () => {
      const st = this.slot.current;
      if (st?.mode !== 'parse' || !st.node) return undefined;
      st.usesWarehouse = true;
      return '';
    });
  }

  /**
   * A warning raised while a node runs outside any template, as `exceptions.warn()` raises one: the
   * --warn-error policy may make it an error (thrown) or silence it.
   */
  warn(message: string, event = 'JinjaLogWarning'): void {
    this.options.onLog(message, 'warn', event);
  }

  /** Config keys templates have read with config.get() / config.require() so far. */
  configKeysRead(): ReadonlySet<string> {
    return this.slot.configKeysRead;
  }

  /** Records config keys read by a render that was reused instead of run (the parse cache). */
  noteConfigKeysRead(keys: Iterable<string>): void {
    for (const key of keys) this.slot.configKeysRead.add(key);
  }

  /** Runs `work`, recording what every render and macro call in it reads from outside its template. */
  track<T>(work: () => T): { value: T; reads: RenderReads } {
    const previous = this.slot.tracker;
    const reads = newRenderReads();
    this.slot.tracker = reads;
    try {
      return { value: work(), reads };
    } finally {
      this.slot.tracker = previous;
      // What a render inside other tracked work reads, that work reads too.
      if (previous) mergeReads(previous, reads);
    }
  }

  /**
   * Records what every render from now on reads, until `close()` (a whole load: the warm start
   * saves it only when no render read something that differs per run). Tracked work inside
   * (`track`) adds its reads to these.
   */
  openTracking(): { readonly reads: RenderReads; close(): void } {
    const previous = this.slot.tracker;
    const reads: RenderReads = { ...newRenderReads(), direct: new Set() };
    this.slot.tracker = reads;
    return {
      reads,
      close: () => {
        if (this.slot.tracker === reads) this.slot.tracker = previous;
      },
    };
  }

  /** Adds reads made elsewhere (a worker thread's render, a reused parse) to the tracked work running now. */
  noteReads(reads: Pick<RenderReads, 'vars' | 'env'>): void {
    if (this.slot.tracker) mergeReads(this.slot.tracker, { ...reads, configKeys: new Set(), macros: new Set(), volatile: false });
  }

  /** Adds every read of work done once and reused since (a generic test render shared by same-shaped tests) to the tracked work running now. */
  replayReads(reads: RenderReads): void {
    if (this.slot.tracker) mergeReads(this.slot.tracker, reads);
    this.noteConfigKeysRead(reads.configKeys);
  }

  /** Whether the vars, env vars and flags `reads` recorded still have the recorded values. */
  readsHold(reads: Pick<RenderReads, 'vars' | 'env' | 'flags'>): boolean {
    for (const [key, value] of reads.vars) {
      const cut = key.indexOf('\0');
      const pkg = key.slice(0, cut);
      const name = key.slice(cut + 1);
      const vars = varsOf(this.options, pkg === '' ? undefined : pkg);
      if (readValue(name in vars ? vars[name] : undefined) !== value) return false;
    }
    for (const [name, value] of reads.env) if (readValue(this.options.env[name]) !== value) return false;
    return reads.flags === undefined || readValue(this.slot.flags) === reads.flags;
  }

  /** A hash of macro `uniqueId`'s text (undefined when the project has no such macro). */
  macroHash(uniqueId: string): string | undefined {
    const known = this.macroHashes.get(uniqueId);
    if (known !== undefined) return known;
    const source = this.macroSources.get(uniqueId);
    if (source === undefined) return undefined;
    const hash = createHash('sha1').update(source).digest('base64');
    this.macroHashes.set(uniqueId, hash);
    return hash;
  }

  /** Sets dbt's `flags` of the command about to run (WHICH, FULL_REFRESH, STORE_FAILURES…). */
  setFlags(flags: Readonly<Record<string, unknown>>): void {
    this.slot.flags = { ...this.slot.flags, ...flags };
  }

  /** Sets dbt's `invocation_args_dict` for the command about to run (run_results.json `args`). */
  setInvocationArgs(args: Readonly<Record<string, unknown>>): void {
    // As JSON holds them (run_results.json): an unset option is absent, never an undefined value.
    this.slot.invocationArgs = JSON.parse(JSON.stringify(args)) as Record<string, unknown>;
  }

  /** The unique ids the command about to run selected (dbt's `selected_resources`). */
  setSelectedResources(ids: Iterable<string>): void {
    this.slot.selectedResources = [...ids];
  }

  /** The loaded project, for the `graph` templates read at run time. */
  setManifest(manifest: Manifest): void {
    this.slot.manifest = manifest;
  }

  macros(): MacroNode[] {
    return this.registry.all().map((m) => m.node);
  }

  /** Whether `name` (or `package.name`) resolves to a macro for a node of `searchPackage` (default: the root project). */
  hasMacro(name: string, searchPackage?: string): boolean {
    return this.lookup(name, searchPackage) !== undefined;
  }

  /** The macro `name` (or `package.name`) resolves to from the root project, if any. */
  macro(name: string): MacroNode | undefined {
    return this.lookup(name)?.node;
  }

  /**
   * True when `name` and what it dispatches to for the `dbt` namespace are all built-in, so a
   * caller may compute the built-in result directly (no project or package overrides it).
   */
  isBuiltin(name: string): boolean {
    // Asked for every model (relation names) and generic test of a load: memoized while no macro is added.
    if (this.builtinMemo.generation !== this.registry.generation) this.builtinMemo = { generation: this.registry.generation, names: new Map() };
    let builtin = this.builtinMemo.names.get(name);
    if (builtin === undefined) this.builtinMemo.names.set(name, (builtin = this.computeIsBuiltin(name)));
    return builtin;
  }

  private builtinMemo: { generation: number; names: Map<string, boolean> } = { generation: -1, names: new Map() };

  private computeIsBuiltin(name: string): boolean {
    const root = this.registry.rootPackage;
    const own = this.registry.resolveMacro(name, root);
    if (own && own.node.packageName !== BUILTIN_PACKAGE) return false;
    const dispatched = this.registry.dispatch(name, BUILTIN_PACKAGE, root);
    return !dispatched.found || dispatched.found.node.packageName === BUILTIN_PACKAGE;
  }

  /**
   * Whether the root project or `pkg` defines a macro named ref, source or config: then a node of
   * `pkg` must be rendered (never statically parsed), as dbt's ModelParser._has_banned_macro.
   */
  overridesRelationCalls(pkg: string): boolean {
    const own = this.registry.packageMacros(pkg);
    const root = this.registry.packageMacros(this.registry.rootPackage);
    return OVERRIDABLE_CALLS.some((name) => own?.has(name) || root?.has(name));
  }

  /** Compiles one template; syntax errors surface here with file and line. */
  compile(source: string, file: string): nunjucks.Template {
    try {
      const template = new JinjaTemplate(preprocessJinja(source, file), this.env, file, true) as nunjucks.Template;
      TEMPLATE_SOURCES.set(template, source);
      return template;
    } catch (error) {
      throw toSyntaxError(error, source, file);
    }
  }

  /** ref()/source() calls with literal arguments anywhere in `source`, rendered or not (see literal-relations.ts). */
  literalRelations(source: string, file: string): LiteralRelations {
    try {
      const env = this.env as unknown as { extensionsList: unknown[]; opts: unknown };
      return literalRelations(parseJinja(preprocessJinja(source, file), env.extensionsList, env.opts));
    } catch (error) {
      throw toSyntaxError(error, source, file);
    }
  }

  /** Renders `template` with `state` as the render in progress. */
  render(template: nunjucks.Template, file: string, state: RenderState, context: Record<string, unknown> = {}): string {
    const previous = this.slot.current;
    this.slot.current = state;
    try {
      return template.render(context);
    } catch (error) {
      const node = state.node;
      const e = toRenderError(error, file, node ? `${node.resourceType} '${node.name}'` : undefined);
      throw explainUnknownCall(e.file === file ? locateUnknownFilter(e, TEMPLATE_SOURCES.get(template)) : e, this.registry);
    } finally {
      this.slot.current = previous;
    }
  }

  renderString(source: string, file: string, state: RenderState, context: Record<string, unknown> = {}): string {
    return this.render(this.compile(source, file), file, state, context);
  }

  /**
   * dbt's native rendering of a value (test arguments, YAML config): a template that is one
   * `{{ expression }}` gives the expression's value (a Relation, a list, a number); any other
   * template gives its rendered text.
   */
  renderNative(text: string, file: string, state: RenderState): unknown {
    const single = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/.exec(text);
    if (single && !single[1]!.includes('}}') && !single[1]!.includes('{{')) return this.evaluate(single[1]!, file, state);
    return this.renderString(text, file, state);
  }

  /**
   * The value of one Jinja expression (dbt's native rendering of a test argument such as
   * `ref('x')`: a Relation, not its text).
   */
  evaluate(expression: string, file: string, state: RenderState): unknown {
    let value: unknown;
    const capture = (v: unknown) => {
      value = v;
      return '';
    };
    this.renderString(`{% do __tsdbt_capture(${expression}) %}`, file, state, { __tsdbt_capture: capture });
    return value;
  }

  /** Calls a macro (`name` or `package.name`) with positional and keyword args, as `{{ name(...) }}` would for `state`'s node (default: the root project). */
  callMacro(name: string, state: RenderState, args: readonly unknown[], kwargs: Record<string, unknown> = {}): string {
    const out = this.callMacroValue(name, state, args, kwargs);
    return out === undefined || out === null ? '' : pyStr(out);
  }

  /** callMacro() giving the macro's value as is (what its `return()` returned, else its text): a materialization's `{'relations': [...]}`. */
  callMacroValue(name: string, state: RenderState, args: readonly unknown[], kwargs: Record<string, unknown> = {}): unknown {
    const entry = this.lookup(name, state.node?.packageName);
    if (!entry)
      throw new ProjectError('unknown_macro', `Macro '${name}' not found`, {
        hint: name.includes('.') ? `Is the package '${name.split('.')[0]}' installed? Run tsdbt deps.` : 'Define it in a .sql file under the macro paths.',
      });
    const macro = entry.node;
    const previous = this.slot.current;
    this.slot.current = state;
    try {
      const fn = entry.fn();
      return Object.keys(kwargs).length > 0 ? fn(...args, { ...kwargs, __keywords: true }) : fn(...args);
    } catch (error) {
      const e = explainUnknownCall(toRenderError(error, macro.originalFilePath), this.registry);
      // A macro called from here (not from a template) gets no line from nunjucks: point at its header.
      if (!(e instanceof ProjectError) || e.line !== undefined || (e.file ?? macro.originalFilePath) !== macro.originalFilePath) throw e;
      throw new ProjectError(e.code, `${e.message} (in macro ${name})`, { file: macro.originalFilePath, line: macro.line, hint: e.hint, cause: e, callChain: e.callChain });
    } finally {
      this.slot.current = previous;
    }
  }

  private lookup(name: string, searchPackage = this.registry.rootPackage): MacroEntry | undefined {
    const dot = name.indexOf('.');
    if (dot > 0) return this.registry.fromPackage(name.slice(0, dot), name.slice(dot + 1), searchPackage);
    return this.registry.resolveMacro(name, searchPackage);
  }

  private loadMacroFile(file: MacroFile): void {
    for (const block of readMacroBlocks(file.source)) {
      const node: MacroNode = {
        uniqueId: `macro.${file.packageName}.${block.name}`,
        name: block.name,
        packageName: file.packageName,
        originalFilePath: file.path,
        line: block.line,
        kind: block.kind,
        argNames: block.args,
        macroSql: block.source.replace(/^\n+/, ''),
      };
      this.macroSources.set(node.uniqueId, block.source);
      let wrapped: MacroFn | undefined;
      const entry: MacroEntry = { node, fn: () => (wrapped ??= macroFunction(node, block.source, (source, path) => this.compile(source, path), this.slot)) };
      const clash = this.registry.add(entry);
      if (clash && file.supplement) continue;
      if (clash)
        throw new ProjectError('duplicate_macro', `dbt found two macros named "${block.name}" in the project "${file.packageName}": ${clash.node.originalFilePath}:${clash.node.line} and ${file.path}:${block.line}`, {
          file: file.path,
          line: block.line,
          hint: 'Rename or delete one of them (macro names are unique within a package).',
        });
      if (!file.lazy) entry.fn();
    }
  }
}
