import { contextDict } from './context-dict.js';
import { metadataEnv } from '../shared/metadata-env.js';
import type nunjucks from 'nunjucks';
import { DateTime, PyDate, UTC } from './modules/datetime.js';
import { conflictingHookKeys } from '../manifest/config.js';
import type { Manifest } from '../manifest/manifest.js';
import { ProjectError } from '../shared/errors.js';
import { adapterObject, apiObject, withUnknownMethods } from './adapter-object.js';
import { baseContext } from './base-context.js';
import { splitArgs } from './call-args.js';
import { isSafeString, pyStr } from './jinja-compat/python-values.js';
import { emptyGraph, graphOf } from './graph-context.js';
import { Relation, lateRelation } from './relation.js';
import { modelContext } from './model-context.js';
import { dbtConfigDefaults, isDeclaredConfigKey } from '../manifest/config-defaults.js';
import { refTarget } from './placeholders.js';
import { SECRET_ENV_PREFIX } from '../shared/secrets.js';
import { raiseInTemplate } from './template-error.js';
import { dispatchMacro, incrementalStrategyMacro } from './dispatch.js';
import { withAdapterOverrides } from './adapter-overrides.js';
import type { MacroRegistry } from './macro-registry.js';
import type { RenderState } from './render-state.js';
import { statementGlobals } from './statements.js';
import { readValue, varKey, type RenderReads } from './render-reads.js';

export { splitArgs } from './call-args.js';

/** What the dbt globals need from outside the template. */
export interface DbtContextOptions {
  readonly projectName: string;
  /** `dbt_version`: the dbt version the root project runs as (shared/dbt-version.ts dbtVersionFor); DBT_VERSION when absent. */
  readonly dbtVersion?: string;
  /** Project vars overlaid with --vars. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The vars of each installed package's nodes (dbt merges package and root project vars per package). */
  readonly varsByPackage?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** `target` as templates see it (no password). */
  readonly target: Readonly<Record<string, unknown>>;
  readonly flags: Readonly<Record<string, unknown>>;
  readonly invocationId: string;
  readonly env: NodeJS.ProcessEnv;
  /** `event`: the dbt event a warning is when its text cannot tell (exceptions.warn() is dbt's JinjaLogWarning). */
  readonly onLog: (message: string, level: 'info' | 'debug' | 'warn', event?: string) => void;
  /** The profile's cluster (cluster mode), for adapter.get_clickhouse_cluster_name(). */
  readonly cluster?: string;
  /** Renders Jinja text with the calling render's context (the Renderer supplies it): a var's text, `render()`. */
  readonly renderText?: (text: string, state: RenderState, file?: string) => string;
}

/** dbt's rule: a DBT_ENV_SECRET_* variable may be read only in profiles.yml (and packages.yml), never where it could reach SQL or logs. */
export function secretEnvVarError(name: string, file: string | undefined): ProjectError {
  return new ProjectError('secret_env_var', `Secret env vars are allowed only in profiles.yml or packages.yml. Found '${name}' referenced elsewhere.`, {
    file,
    hint: `Use ${name} in profiles.yml (e.g. as a password), or read a variable without the ${SECRET_ENV_PREFIX} prefix here.`,
  });
}

/** The slot holding the render in progress; the globals below read it. */
export interface StateSlot {
  current: RenderState | undefined;
  /** The loaded project (set once load is done): what `graph` shows at run time. */
  manifest?: Manifest;
  /** dbt's `flags` (the command's options), updated per command (Renderer.setFlags). */
  flags?: Record<string, unknown>;
  /** dbt's `invocation_args_dict`: the command's args as run_results.json `args` holds them (Renderer.setInvocationArgs). */
  invocationArgs?: Record<string, unknown>;
  /** dbt's `selected_resources`: the unique ids the running command selected (empty while parsing). */
  selectedResources?: readonly string[];
  /** Config keys templates read with config.get()/require(): project keys tsdbt itself ignores are still used. */
  readonly configKeysRead: Set<string>;
  /** Set while Renderer.track() runs: what renders read from outside their template (parse cache keys). */
  tracker?: RenderReads;
}

/** The vars a node of `packageName` sees (dbt merges package and root project vars per package). */
export function varsOf(options: Pick<DbtContextOptions, 'vars' | 'varsByPackage'>, packageName: string | undefined): Readonly<Record<string, unknown>> {
  return (packageName !== undefined && options.varsByPackage?.get(packageName)) || options.vars;
}

/** dbt's flags with their defaults; a command sets the ones it knows (Renderer.setFlags). */
const DEFAULT_FLAGS: Readonly<Record<string, unknown>> = {
  WHICH: 'parse', FULL_REFRESH: false, STORE_FAILURES: false, WARN_ERROR: false, FAIL_FAST: false, DEBUG: false,
  EMPTY: false, INTROSPECT: true, USE_COLORS: true, QUIET: false, PRINTER_WIDTH: 80, WRITE_JSON: true,
  PARTIAL_PARSE: false, STATIC_PARSER: true, SEND_ANONYMOUS_USAGE_STATS: false, LOG_FORMAT: 'default',
  PRINT: true, CACHE_SELECTED_ONLY: false, INDIRECT_SELECTION: 'eager',
  INVOCATION_COMMAND: 'tsdbt',
};

type Keywords = Record<string, unknown>;

function where(slot: StateSlot) {
  return { file: slot.current?.node?.originalFilePath };
}

/** Installs ref/source/config/var/… as nunjucks globals bound to `slot`. */
export function installDbtContext(env: nunjucks.Environment, slot: StateSlot, options: DbtContextOptions, registry: MacroRegistry): void {
  const state = (): RenderState => {
    if (!slot.current) throw new Error('dbt context used outside a render');
    return slot.current;
  };
  const ref = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    const [a, b] = positional.map((x) => (x === undefined || x === null ? undefined : String(x)));
    if (!a) raiseInTemplate(new ProjectError('ref_args', 'ref() needs a model name', { ...where(slot), hint: "Write {{ ref('model_name') }}." }));
    // dbt 1.5: a pinned model version, `ref('m', v=2)` or `ref('m', version=2)`.
    const pinned = keywords.v ?? keywords.version;
    const version = pinned === undefined || pinned === null ? undefined : String(pinned);
    const call = { ...(b === undefined ? { name: a } : { package: a, name: b }), ...(version !== undefined ? { version } : {}) };
    const st = state();
    st.refs.push(call);
    return lateRelation(refTarget(call), st);
  };

  const source = (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    const [s, t] = positional.map((x) => String(x ?? ''));
    if (!s || !t)
      raiseInTemplate(new ProjectError('source_args', 'source() needs a source name and a table name', {
        ...where(slot),
        hint: "Write {{ source('source_name', 'table_name') }}.",
      }));
    const st = state();
    st.sources.push([s, t]);
    return lateRelation({ kind: 'source', source: s, table: t }, st);
  };

  // dbt 1.11's function('name') / function('package', 'name'): a parent of the node (RefCall.function),
  // rendered as the bare name — a ClickHouse SQL function belongs to no database (execute/run-function.ts).
  const fn = (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    const [a, b] = positional.map((x) => (x === undefined || x === null ? undefined : String(x)));
    if (!a) raiseInTemplate(new ProjectError('function_args', 'function() needs a function name', { ...where(slot), hint: "Write {{ function('function_name') }}." }));
    const st = state();
    st.refs.push(b === undefined ? { name: a, function: true } : { package: a, name: b, function: true });
    return new Relation({ path: { database: '', schema: '', identifier: b ?? a }, type: 'function', include: { database: false, schema: false, identifier: true } });
  };

  const effectiveConfig = (): Record<string, unknown> => {
    const st = state();
    return Object.assign({}, st.node?.baseConfig ?? {}, ...st.configCalls, st.batch ? batchConfig(st.batch) : {});
  };
  // Only nunjucks' SafeString (a macro's output): a dict that happens to have a `val` key stays a dict.
  // A modules.datetime date/datetime (`begin=modules.datetime.datetime(2020, 1, 1)`) is its ISO text,
  // as dbt's manifest writes it (and as a saved config keeps it).
  const plainString = (v: unknown) => (isSafeString(v) ? String(v) : v instanceof PyDate ? v.isoformat() : v);
  const config = Object.assign(
    (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const dict = positional[0] && typeof positional[0] === 'object' ? (positional[0] as Keywords) : {};
      // A macro's output (`post_hook=after_commit('…')`, `[my_grant()]`) is a safe-string object: as dbt, a plain string.
      const call = Object.fromEntries(Object.entries({ ...dict, ...keywords }).map(([k, v]) => [k, Array.isArray(v) ? v.map(plainString) : plainString(v)]));
      const conflict = conflictingHookKeys(call);
      if (conflict)
        raiseInTemplate(new ProjectError('config_conflict', `Invalid config, has conflicting keys '${conflict[0]}' and '${conflict[1]}'`, {
          ...where(slot),
          hint: `Keep one of '${conflict[0]}' and '${conflict[1]}' (a list holds several hooks).`,
        }));
      // dbt validates a node's config against its schema: `enabled='false'` (text) is no boolean.
      if (call.enabled !== undefined && call.enabled !== null && typeof call.enabled !== 'boolean')
        raiseInTemplate(new ProjectError('config_type', `Invalid config: at path ['enabled']: ${typeof call.enabled === 'string' ? `'${call.enabled}'` : JSON.stringify(call.enabled)} is not of type 'boolean'`, {
          ...where(slot),
          hint: `Write enabled=${String(call.enabled).toLowerCase() === 'false' ? 'false' : 'true'} (a boolean, not text).`,
        }));
      state().configCalls.push(call);
      return '';
    },
    {
      // config.set('k', v): dbt's way for a macro to set one key (set_sql_header); the same as config(k=v).
      set: (key: unknown, value: unknown) => {
        // caller() gives a safe-string object: config values are plain strings.
        state().configCalls.push({ [String(key)]: value !== null && typeof value === 'object' && typeof (value as { val?: unknown }).val === 'string' ? String(value) : value });
        return '';
      },
      // config.get('k', 'd') and config.get('k', default='d'), as dbt.
      get: (...args: unknown[]) => {
        const { positional, keywords } = splitArgs(args);
        const fallback = positional.length > 1 ? positional[1] : keywords.default;
        slot.configKeysRead.add(String(positional[0]));
        slot.tracker?.configKeys.add(String(positional[0]));
        if (parseTimeRead()) return '';
        // dbt's config.get reads the node's config object: a field its class declares gives its value,
        // the default when not set (alias None, a test's schema dbt_test__audit), never the fallback.
        const key = String(positional[0]);
        const own = effectiveConfig()[key];
        if (own !== undefined && own !== null) return own;
        const type = state().node?.resourceType;
        if (type && isDeclaredConfigKey(type, key)) return dbtConfigDefaults(type)![key.replace('_hook', '-hook')] ?? null;
        return fallback ?? null;
      },
      require: (...args: unknown[]) => {
        const key = String(splitArgs(args).positional[0]);
        slot.configKeysRead.add(key);
        slot.tracker?.configKeys.add(key);
        if (parseTimeRead()) return '';
        return required(effectiveConfig()[key], key);
      },
      // dbt 1.10: a key of the config's meta.
      meta_get: (...args: unknown[]) => {
        const { positional, keywords } = splitArgs(args);
        const fallback = positional.length > 1 ? positional[1] : keywords.default;
        if (parseTimeRead()) return '';
        return metaOf()[String(positional[0])] ?? fallback ?? null;
      },
      meta_require: (...args: unknown[]) => {
        const key = String(splitArgs(args).positional[0]);
        if (parseTimeRead()) return '';
        return required(metaOf()[key], key, ' in meta');
      },
    },
  );
  const metaOf = (): Record<string, unknown> => {
    const meta = effectiveConfig().meta;
    return meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
  };
  // dbt's ParseConfigObject: while a node's file parses, config.get/require/meta_get/meta_require
  // answer '' whatever its config holds (dbt-core context/providers.py) — a root ref() override
  // asking config.get('tags') takes its plain path then, recording the dependency. The node's SQL
  // comes from a render with the real values (parse-sql-node.ts), as dbt's compile.
  const parseTimeRead = (): boolean => {
    const st = slot.current;
    if (!st?.parseConfig) return false;
    st.configRead = true;
    return true;
  };
  // dbt's ParseConfigObject.require gives '' while a node parses (the node is rendered again when it
  // runs); at run time a missing key is dbt's MissingConfigError for that node.
  const required = (value: unknown, key: string, where_ = ''): unknown => {
    if (value !== undefined) return value;
    const st = slot.current;
    if (st?.mode === 'parse' && st.node) {
      st.usesWarehouse = true;
      return '';
    }
    const node = st?.node;
    const kind = node ? node.resourceType.charAt(0).toUpperCase() + node.resourceType.slice(1) : 'Node';
    return raiseInTemplate(new ProjectError('config_required', `${kind} '${node?.uniqueId ?? '?'}' does not define a required config parameter '${key}'${where_}.`, { ...where(slot), hint: `Set ${key} in the node's config (config(${key}=…), its YAML entry or dbt_project.yml).` }));
  };

  const varFn = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    const name = String(positional[0]);
    const overridden = slot.current?.overrides?.vars;
    if (overridden && Object.hasOwn(overridden, name)) return overridden[name];
    const pkg = slot.current?.node?.packageName;
    const vars = varsOf(options, pkg);
    slot.tracker?.vars.set(varKey(pkg ?? '', name), readValue(name in vars ? vars[name] : undefined));
    slot.tracker?.direct?.add(name);
    if (name in vars) {
      // dbt's Var.get_rendered_var: a string var is rendered with the caller's context when read
      // (`max_depth: "{{ 4 if target.type == 'clickhouse' else 9 }}"` in dbt_project.yml).
      const value = vars[name];
      return typeof value === 'string' && /\{[{%]/.test(value) && slot.current && options.renderText ? options.renderText(value, slot.current) : value;
    }
    if (positional.length > 1) return positional[1];
    if ('default' in keywords) return keywords.default;
    // dbt's ParseVar: while a node is parsed, a missing var is None (a model disabled by another var
    // may name vars nobody sets: tuva, fivetran). The node is rendered again when it runs or
    // compiles, and that render fails with the error below — that node only.
    if (slot.current?.mode === 'parse' && slot.current.node) {
      slot.current.usesWarehouse = true;
      return null;
    }
    // dbt's wording (MissingVarError), which users and dbt's own tests match on.
    const supplied = slot.current?.node ? `${slot.current.node.name}` : '<Configuration>';
    raiseInTemplate(new ProjectError('missing_var', `Required var '${name}' not found in config:\nVars supplied to ${supplied} = ${JSON.stringify(vars, null, 2)}`, {
      ...where(slot),
      hint: `Set it under 'vars:' in the project file (dbt_project.yml or project.yml), or pass --vars '{${name}: value}', or give var() a default.`,
    }));
  };

  // dbt's Var.has_var(name): whether var(name) would find a value (--vars, then the node's package's vars).
  Object.defineProperty(varFn, 'has_var', {
    enumerable: false,
    value: (name: unknown) => {
      const key = String(name);
      const overridden = slot.current?.overrides?.vars;
      if (overridden && Object.hasOwn(overridden, key)) return true;
      const pkg = slot.current?.node?.packageName;
      const vars = varsOf(options, pkg);
      slot.tracker?.vars.set(varKey(pkg ?? '', key), readValue(key in vars ? vars[key] : undefined));
      return key in vars;
    },
  });

  const envVar = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    const name = String(positional[0]);
    if (name.startsWith(SECRET_ENV_PREFIX)) raiseInTemplate(secretEnvVarError(name, slot.current?.node?.originalFilePath));
    const overridden = slot.current?.overrides?.envVars;
    if (overridden && Object.hasOwn(overridden, name)) return String(overridden[name]);
    const value = options.env[name];
    slot.tracker?.env.set(name, readValue(value));
    if (value !== undefined) return value;
    if (positional.length > 1) return positional[1];
    if ('default' in keywords) return keywords.default;
    raiseInTemplate(new ProjectError('missing_env_var', `Environment variable '${name}' is not set and env_var() has no default`, {
      ...where(slot),
      hint: `Export ${name}, or write env_var('${name}', 'default').`,
    }));
  };

  const dispatch = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    return dispatchMacro(registry, {
      macroName: positional[0] ?? keywords.macro_name,
      macroNamespace: positional.length > 1 ? positional[1] : keywords.macro_namespace,
      packages: positional.length > 2 ? positional[2] : keywords.packages,
      searchPackage: slot.current?.node?.packageName ?? registry.rootPackage,
      file: slot.current?.node?.originalFilePath,
    });
  };
  const searchPackage = () => slot.current?.node?.packageName ?? registry.rootPackage;
  const getIncrementalStrategyMacro = (...args: unknown[]) => incrementalStrategyMacro(registry, splitArgs(args), searchPackage(), slot.current?.node?.originalFilePath);
  // agate's print_table() writes where print() does.
  const tablePrint = (text: string) => options.onLog(text, 'info');
  const adapter = withUnknownMethods({ ...withAdapterOverrides(adapterObject({ state, cluster: options.cluster, print: tablePrint }), registry, searchPackage), dispatch, get_incremental_strategy_macro: getIncrementalStrategyMacro }, state);

  const globals: Record<string, unknown> = {
    ...baseContext({ log: (message, level) => options.onLog(message, level), runStartedAt: new Date(), dbtVersion: options.dbtVersion }),
    ...statementGlobals(state, tablePrint),
    ref,
    source,
    config,
    function: fn,
    // dbt's `builtins`: the context's own ref/source/config, for a project macro overriding them.
    builtins: { ref, source, config },
    var: varFn,
    env_var: envVar,
    project_name: options.projectName,
    target: options.target,
    is_incremental: () => {
      const st = state();
      st.usesWarehouse = true;
      return st.isIncremental;
    },
    exceptions: {
      raise_compiler_error: (msg: unknown) => {
        raiseInTemplate(new ProjectError('compiler_error', String(msg), where(slot)));
      },
      raise_not_implemented: (msg: unknown) => {
        raiseInTemplate(new ProjectError('not_implemented', String(msg), where(slot)));
      },
      // dbt's warn_or_error(JinjaLogWarning): an error under --warn-error / warn_error_options naming it.
      warn: (msg: unknown) => {
        try {
          options.onLog(String(msg), 'warn', 'JinjaLogWarning');
        } catch (error) {
          // Made an error by the policy (a run-time render): that node's error, located as dbt's EventCompilationError.
          if (!(error instanceof ProjectError)) throw error;
          raiseInTemplate(new ProjectError(error.code, error.message, { ...where(slot), hint: error.hint }));
        }
        return '';
      },
    },
    adapter,
    // dbt removed adapter_macro (1.0); its built-in stub raises this error.
    adapter_macro: (name: unknown) => {
      raiseInTemplate(new ProjectError('adapter_macro', `The "adapter_macro" macro has been deprecated. Instead, use the \`adapter.dispatch\` method to find a macro and call the result. For more information, see: https://docs.getdbt.com/reference/dbt-jinja-functions/dispatch) adapter_macro was called for: ${String(name)}`, {
        ...where(slot),
        hint: "Replace adapter_macro('name', ...) with adapter.dispatch('name')(...).",
      }));
    },
    api: apiObject(),
    // dbt's persist_docs / apply_grants called by a project's materialization: tsdbt's own do them once it returns.
    __tsdbt_after_build: (kind: unknown) => {
      slot.current?.materialization?.afterBuild?.add(String(kind));
      return '';
    },
    // dbt's materialization_table_default() & co. called by a project's materialization (materializations/builtin.sql).
    __tsdbt_builtin_materialization: (name: unknown) => {
      const build = slot.current?.materialization?.builtin;
      if (!build)
        raiseInTemplate(new ProjectError('compilation', `Compilation Error: the built-in materialization '${String(name)}' can only be called from a materialization`, {
          ...where(slot),
          hint: "Call materialization_<name>_default() inside a {% materialization %} block, or set the model's materialized config instead.",
        }));
      build(String(name));
      return '';
    },
    load_relation: (adapter as Record<string, unknown>).load_relation,
    // dbt's ProviderContext.render: str(value) rendered with the calling node's context (text with no
    // Jinja comes back as is). dbt-datamocktool renders a model's raw_code with it.
    render: (value: unknown) => {
      const text = pyStr(value ?? null);
      if (!/\{[{%#]/.test(text) || !options.renderText) return text;
      return options.renderText(text, state(), slot.current?.node?.originalFilePath);
    },
  };
  for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);
  env.addGlobal('context', contextDict((env as unknown as { globals: Record<string, unknown> }).globals, () => slot.current));

  // Values that change with every render are read through getters on the globals object.
  const defineGetter = (name: string, get: () => unknown) =>
    Object.defineProperty((env as unknown as { globals: object }).globals, name, { get, enumerable: true, configurable: true });
  defineGetter('this', () => (slot.current?.node ? lateRelation({ kind: 'this' }, slot.current) : undefined));
  // dbt's `schema`: the model's own schema (a ClickHouse database), like this.schema.
  // Outside a relation (run-operation, project hooks) it is the target's schema (dbt's credentials.schema).
  defineGetter('schema', () => (slot.current?.node && slot.current.node.resourceType !== 'operation' ? lateRelation({ kind: 'this' }, slot.current).schema : options.target.schema));
  // Values that differ from run to run: a render reading them is never reused from the parse cache.
  const volatile = (name: string, value: unknown) =>
    defineGetter(name, () => {
      if (slot.tracker) slot.tracker.volatile = true;
      return value;
    });
  volatile('invocation_id', options.invocationId);
  volatile('run_started_at', globals.run_started_at);
  volatile('modules', globals.modules);
  slot.flags = { ...DEFAULT_FLAGS, ...options.flags };
  defineGetter('flags', () => {
    const tracker = slot.tracker;
    if (!tracker) return slot.flags;
    tracker.flags = readValue(slot.flags);
    // flags.WHICH is the command loading the project: a render reading it is not another
    // command's (never reused from the parse cache, the load not saved as a warm start).
    return new Proxy(slot.flags ?? {}, {
      get(target, key, receiver) {
        if (key === 'WHICH') tracker.volatile = true;
        return Reflect.get(target, key, receiver);
      },
    });
  });
  // dbt's invocation_args_dict (a dict: dbt_artifacts copies it, elementary reads its keys); it
  // differs per command, so a render reading it is never reused from the parse cache.
  defineGetter('invocation_args_dict', () => {
    if (slot.tracker) slot.tracker.volatile = true;
    // dbt's: every flag with a value (lower-case keys), then what the command was given.
    const flags = Object.fromEntries(Object.entries(slot.flags ?? {}).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k.toLowerCase(), v]));
    return { ...flags, which: String(slot.flags?.WHICH ?? 'parse').toLowerCase(), ...slot.invocationArgs };
  });
  // dbt's dbt_metadata_envs: the DBT_ENV_CUSTOM_ENV_* variables, prefix removed (as artifacts' metadata.env).
  defineGetter('dbt_metadata_envs', () => {
    if (slot.tracker) slot.tracker.volatile = true;
    return metadataEnv(options.env);
  });
  defineGetter('thread_id', () => {
    // A render that reads it answers per run thread: render it again at run time.
    if (slot.current?.mode === 'parse') slot.current.usesWarehouse = true;
    return slot.current?.threadId ?? 'MainThread';
  });
  defineGetter('graph', () => {
    const st = slot.current;
    // Empty while parsing, as dbt's: a template reading it renders again at run time.
    if (st?.mode !== 'execute') {
      if (st) st.usesWarehouse = true;
      return emptyGraph();
    }
    return slot.manifest ? graphOf(slot.manifest) : emptyGraph();
  });
  defineGetter('selected_resources', () => {
    const st = slot.current;
    // Empty while parsing, as dbt's: a template reading it renders again at run time.
    if (st?.mode === 'parse') st.usesWarehouse = true;
    return st?.mode === 'parse' ? [] : [...(slot.selectedResources ?? [])];
  });
  defineGetter('execute', () => {
    const st = slot.current;
    // SQL that branches on `execute` differs at run time: render the node again then.
    if (st?.mode === 'parse') st.usesWarehouse = true;
    return st?.mode === 'execute' || st?.runtimeProbe === true;
  });
  // dbt's ModelContext while a materialization macro runs: the compiled SQL and the node's hooks.
  const materialization = () => slot.current?.materialization;
  defineGetter('sql', () => materialization()?.sql);
  defineGetter('compiled_code', () => materialization()?.sql);
  defineGetter('pre_hooks', () => materialization() && [...materialization()!.preHooks]);
  defineGetter('post_hooks', () => materialization() && [...materialization()!.postHooks]);
  // An on-run-end hook's `results` & co. are the hook's context, so the macros it calls read them too.
  for (const name of ['results', 'schemas', 'database_schemas']) defineGetter(name, () => slot.current?.hookContext?.[name]);
  defineGetter('model', () => (slot.current ? modelContext(slot.current, slot.manifest, effectiveConfig()) : undefined));
}

/**
 * What dbt's microbatch runner sets on the node's config for each batch (its window, UTC datetimes):
 * `config.get('__dbt_internal_microbatch_event_time_start')` (dbt-clickhouse's incremental reads it),
 * `model.config.__dbt_internal_microbatch_event_time_end`.
 */
function batchConfig(batch: NonNullable<RenderState['batch']>): Record<string, unknown> {
  return {
    __dbt_internal_microbatch_event_time_start: DateTime.fromJsDate(batch.start, UTC),
    __dbt_internal_microbatch_event_time_end: DateTime.fromJsDate(batch.end, UTC),
  };
}
