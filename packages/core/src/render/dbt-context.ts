import type nunjucks from 'nunjucks';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { ProjectError } from '../shared/errors.js';
import { RelationProxy, quoteIdentifier } from './placeholders.js';
import { raiseInTemplate } from './template-error.js';
import { jinjaJson } from './jinja-compat/filters.js';
import { dispatchMacro } from './dispatch.js';
import type { MacroRegistry } from './macro-registry.js';
import type { QueryTable, RenderState } from './render-state.js';

/** What the dbt globals need from outside the template. */
export interface DbtContextOptions {
  readonly projectName: string;
  /** Project vars overlaid with --vars. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** `target` as templates see it (no password). */
  readonly target: Readonly<Record<string, unknown>>;
  readonly flags: Readonly<Record<string, unknown>>;
  readonly invocationId: string;
  readonly env: NodeJS.ProcessEnv;
  readonly onLog: (message: string, level: 'info' | 'debug' | 'warn') => void;
}

/** The slot holding the render in progress; the globals below read it. */
export interface StateSlot {
  current: RenderState | undefined;
}

type Keywords = Record<string, unknown>;

/** nunjucks hands keyword arguments to JS functions as a trailing object flagged `__keywords`. */
export function splitArgs(args: readonly unknown[]): { positional: unknown[]; keywords: Keywords } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && (last as Keywords).__keywords) {
    const { __keywords: _k, ...keywords } = last as Keywords;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

function where(slot: StateSlot) {
  return { file: slot.current?.node?.originalFilePath };
}

/** agate-like table: `.columns[0].values()`, `.rows`, `.column_names`, iteration over rows. */
export function toAgateTable(table: QueryTable): Record<string, unknown> {
  const rows = table.rows.map((r) => {
    const row: Record<string, unknown> & unknown[] = Object.assign([...r], {}) as never;
    table.columnNames.forEach((name, i) => {
      (row as unknown as Record<string, unknown>)[name] = r[i];
    });
    return row;
  });
  return {
    column_names: [...table.columnNames],
    columns: table.columnNames.map((name, i) => ({ name, values: () => table.rows.map((r) => r[i]) })),
    rows,
    length: rows.length,
    [Symbol.iterator]: () => rows[Symbol.iterator](),
  };
}

/** Installs ref/source/config/var/… as nunjucks globals bound to `slot`. */
export function installDbtContext(env: nunjucks.Environment, slot: StateSlot, options: DbtContextOptions, registry: MacroRegistry): void {
  const state = (): RenderState => {
    if (!slot.current) throw new Error('dbt context used outside a render');
    return slot.current;
  };
  const results = new Map<string, unknown>();

  const ref = (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    const [a, b] = positional.map((x) => (x === undefined || x === null ? undefined : String(x)));
    if (!a) raiseInTemplate(new ProjectError('ref_args', 'ref() needs a model name', { ...where(slot), hint: "Write {{ ref('model_name') }}." }));
    const call = b === undefined ? { name: a } : { package: a, name: b };
    state().refs.push(call);
    return new RelationProxy({ kind: 'ref', package: call.package ?? '', name: call.name });
  };

  const source = (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    const [s, t] = positional.map((x) => String(x ?? ''));
    if (!s || !t)
      raiseInTemplate(new ProjectError('source_args', 'source() needs a source name and a table name', {
        ...where(slot),
        hint: "Write {{ source('source_name', 'table_name') }}.",
      }));
    state().sources.push([s, t]);
    return new RelationProxy({ kind: 'source', source: s, table: t });
  };

  const effectiveConfig = (): Record<string, unknown> => {
    const st = state();
    return Object.assign({}, st.node?.baseConfig ?? {}, ...st.configCalls);
  };
  const config = Object.assign(
    (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const dict = positional[0] && typeof positional[0] === 'object' ? (positional[0] as Keywords) : {};
      state().configCalls.push({ ...dict, ...keywords });
      return '';
    },
    {
      // config.get('k', 'd') and config.get('k', default='d'), as dbt.
      get: (...args: unknown[]) => {
        const { positional, keywords } = splitArgs(args);
        const fallback = positional.length > 1 ? positional[1] : keywords.default;
        return effectiveConfig()[String(positional[0])] ?? fallback ?? null;
      },
      require: (...args: unknown[]) => {
        const key = String(splitArgs(args).positional[0]);
        const v = effectiveConfig()[key];
        if (v === undefined)
          raiseInTemplate(new ProjectError('config_required', `Config '${key}' is required here`, where(slot)));
        return v;
      },
    },
  );

  const varFn = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    const name = String(positional[0]);
    if (name in options.vars) return options.vars[name];
    if (positional.length > 1) return positional[1];
    if ('default' in keywords) return keywords.default;
    raiseInTemplate(new ProjectError('missing_var', `Required var '${name}' not found in the project vars or --vars`, {
      ...where(slot),
      hint: `Set it in project.yml under 'vars:' or pass --vars '{${name}: value}', or give var() a default.`,
    }));
  };

  const envVar = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    const name = String(positional[0]);
    const value = options.env[name];
    if (value !== undefined) return value;
    if (positional.length > 1) return positional[1];
    if ('default' in keywords) return keywords.default;
    raiseInTemplate(new ProjectError('missing_env_var', `Environment variable '${name}' is not set and env_var() has no default`, {
      ...where(slot),
      hint: `Export ${name}, or write env_var('${name}', 'default').`,
    }));
  };

  const runQuery = (sql: unknown) => {
    const st = state();
    st.usesWarehouse = true;
    if (st.runtimeProbe) return toAgateTable({ columnNames: [], rows: [] });
    if (st.mode === 'parse' || !st.warehouse) return null;
    return toAgateTable(st.warehouse.runQuery(String(sql)));
  };

  const statement = (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args);
    const name = String(positional[0] ?? keywords.name ?? 'statement');
    const caller = keywords.caller as (() => unknown) | undefined;
    const sql = caller ? String(caller()) : '';
    const table = runQuery(sql);
    results.set(name, { table, data: table ? (table.rows as unknown[]) : [], response: {} });
    return '';
  };

  const adapter = {
    dispatch: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      return dispatchMacro(registry, {
        macroName: positional[0] ?? keywords.macro_name,
        macroNamespace: positional.length > 1 ? positional[1] : keywords.macro_namespace,
        packages: positional.length > 2 ? positional[2] : keywords.packages,
        searchPackage: slot.current?.node?.packageName ?? registry.rootPackage,
        file: slot.current?.node?.originalFilePath,
      });
    },
    quote: (name: unknown) => quoteIdentifier(String(name)),
    get_relation: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const schema = String(keywords.schema ?? positional[1] ?? '');
      const identifier = String(keywords.identifier ?? positional[2] ?? '');
      const st = state();
      st.usesWarehouse = true;
      if (!st.warehouse) return null;
      return st.warehouse.relationExists(schema, identifier) ? { schema, identifier, name: identifier, toString: () => `${quoteIdentifier(schema)}.${quoteIdentifier(identifier)}` } : null;
    },
    get_columns_in_relation: (relation: { schema?: unknown; identifier?: unknown }) => {
      const st = state();
      st.usesWarehouse = true;
      if (!st.warehouse) return [];
      return st.warehouse
        .columns(String(relation.schema), String(relation.identifier))
        .map((c) => ({ name: c.name, column: c.name, data_type: c.dataType, dtype: c.dataType, quoted: quoteIdentifier(c.name) }));
    },
  };

  const globals: Record<string, unknown> = {
    ref,
    source,
    config,
    var: varFn,
    env_var: envVar,
    project_name: options.projectName,
    target: options.target,
    flags: options.flags,
    invocation_id: options.invocationId,
    run_started_at: new RunStartedAt(new Date()),
    is_incremental: () => {
      const st = state();
      st.usesWarehouse = true;
      return st.isIncremental;
    },
    log: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      options.onLog(String(positional[0] ?? ''), positional[1] || keywords.info ? 'info' : 'debug');
      return '';
    },
    print: (msg: unknown) => {
      options.onLog(String(msg), 'info');
      return '';
    },
    exceptions: {
      raise_compiler_error: (msg: unknown) => {
        raiseInTemplate(new ProjectError('compiler_error', String(msg), where(slot)));
      },
      warn: (msg: unknown) => {
        options.onLog(String(msg), 'warn');
        return '';
      },
    },
    adapter,
    run_query: runQuery,
    statement,
    load_result: (name: unknown) => results.get(String(name)) ?? null,
    fromjson: (s: unknown, fallback?: unknown) => {
      try {
        return JSON.parse(String(s));
      } catch {
        return fallback ?? null;
      }
    },
    // dbt's tojson(): Python's json.dumps (`{"a": 1}`, keys in order, non-ASCII escaped).
    tojson: (v: unknown) => jinjaJson(v, null, 0, { sortKeys: false, htmlSafe: false }),
    fromyaml: (s: unknown) => parseYaml(String(s)),
    toyaml: (v: unknown) => toYaml(v),
  };
  for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);

  // Values that change with every render are read through getters on the globals object.
  const defineGetter = (name: string, get: () => unknown) =>
    Object.defineProperty((env as unknown as { globals: object }).globals, name, { get, enumerable: true, configurable: true });
  defineGetter('this', () => (slot.current?.node ? new RelationProxy({ kind: 'this' }) : undefined));
  // dbt's `schema`: the model's own schema (a ClickHouse database), like this.schema.
  defineGetter('schema', () => (slot.current?.node ? new RelationProxy({ kind: 'this' }).schema : undefined));
  defineGetter('execute', () => {
    const st = slot.current;
    // SQL that branches on `execute` differs at run time: render the node again then.
    if (st?.mode === 'parse') st.usesWarehouse = true;
    return st?.mode === 'execute' || st?.runtimeProbe === true;
  });
  defineGetter('model', () => {
    const node = slot.current?.node;
    return node
      ? { unique_id: node.uniqueId, name: node.name, resource_type: node.resourceType, package_name: node.packageName, original_file_path: node.originalFilePath, fqn: [...node.fqn], config: effectiveConfig() }
      : undefined;
  });
}

/** dbt's `run_started_at`: a UTC datetime that prints, `strftime()`s and `isoformat()`s as Python's does. */
class RunStartedAt {
  constructor(private readonly at: Date) {}

  strftime(format: string): string {
    const d = this.at;
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const parts: Record<string, string> = {
      Y: String(d.getUTCFullYear()),
      m: pad(d.getUTCMonth() + 1),
      d: pad(d.getUTCDate()),
      H: pad(d.getUTCHours()),
      M: pad(d.getUTCMinutes()),
      S: pad(d.getUTCSeconds()),
      f: pad(d.getUTCMilliseconds() * 1000, 6),
      z: '+0000',
      Z: 'UTC',
      '%': '%',
    };
    return format.replace(/%(.)/g, (m, c: string) => parts[c] ?? m);
  }

  isoformat(): string {
    return this.strftime('%Y-%m-%dT%H:%M:%S.%f+00:00');
  }

  timestamp(): number {
    return this.at.getTime() / 1000;
  }

  toString(): string {
    return this.strftime('%Y-%m-%d %H:%M:%S.%f+00:00');
  }
}
