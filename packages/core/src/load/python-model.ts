import type { ModelNode, RefCall } from '../manifest/nodes.js';
import { newRenderState } from '../render/render-state.js';
import type { Renderer } from '../render/renderer.js';
import { ProjectError } from '../shared/errors.js';
import { buildModel, prepareModel } from './load-nodes.js';
import type { TargetConfig } from './profiles.js';
import type { ProjectRoot } from './project-roots.js';
import type { ResourcePatch } from './schema-yaml.js';

/*
 * A Python model's dependencies and config, read as dbt-core's ModelParser.parse_python_model does
 * (parser/models.py): no Jinja, no run of the code — the calls dbt.ref(…), dbt.source(…),
 * dbt.config(…) and dbt.config.get(…) are found in the source and their arguments read as Python
 * literals (ast.literal_eval: a name, a call or an f-string is dbt's PythonLiteralEvalError); the
 * keys dbt.config.get() / meta_get() read are kept as dbt's config_keys_used / meta_keys_used.
 * Checked too, as dbt's PythonValidationVisitor: one `def model(dbt, session)` per file.
 */

/**
 * The model nodes of Python model files `files` (relative to `root`): nodes as dbt's (`language:
 * python`, listed, selectable, YAML properties and tests applied), whose run fails on ClickHouse
 * (execute/python-model.ts). As dbt's parser, a Python model is a table unless its YAML entry or
 * its dbt.config() sets materialized (dbt_project.yml's +materialized does not apply).
 */
export function loadPythonModels(root: ProjectRoot, renderer: Renderer, patches: ReadonlyMap<string, ResourcePatch>, target: TargetConfig, files: readonly string[]): ModelNode[] {
  return files.map((rel, k) => {
    const prepared = prepareModel(root, patches, rel, k);
    const calls = parsePythonModel(prepared.rawCode, prepared.info.originalFilePath);
    const [project, ...rest] = prepared.baseLayers;
    const baseLayers = prepared.patch?.config && 'materialized' in prepared.patch.config ? prepared.baseLayers : [project!, { materialized: 'table' }, ...rest];
    const state = newRenderState({ mode: 'parse', node: prepared.info });
    state.refs.push(...calls.refs);
    state.sources.push(...calls.sources);
    state.configCalls.push(...calls.configCalls);
    return buildModel(root, renderer, target, { ...prepared, baseLayers }, { rendered: prepared.rawCode, state }, true);
  });
}

/** What a Python model's source says: its refs, sources and dbt.config() calls (as config layers). */
export interface ParsedPython {
  readonly refs: RefCall[];
  readonly sources: [string, string][];
  readonly configCalls: Record<string, unknown>[];
}

type Token = { readonly kind: 'name' | 'number' | 'string' | 'fstring' | 'op'; readonly text: string; readonly line: number; readonly value?: string };

const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;

/** Python's tokens (comments and line breaks dropped); an unterminated string or bracket is dbt's syntax error. */
function tokenize(source: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const fail = (message: string, at: number): never => {
    throw new ProjectError('python_model_syntax', `Parsing Error in ${file}: ${message} (line ${at})`, { file, line: at, hint: 'Fix the Python syntax of the model.' });
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') (line++, i++);
    else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\\') i++;
    else if (c === '#') while (i < source.length && source[i] !== '\n') i++;
    else {
      const rest = source.slice(i, i + 6);
      const str = STRING_START.exec(rest);
      if (str && (str[1] === '' || /^[A-Za-z]/.test(c))) {
        const prefix = str[1]!.toLowerCase();
        const quote = str[2]!;
        const start = line;
        let j = i + str[0].length;
        let value = '';
        for (;;) {
          if (j >= source.length || (quote.length === 1 && source[j] === '\n')) fail('unterminated string literal', start);
          if (source.startsWith(quote, j)) break;
          const ch = source[j]!;
          if (ch === '\n') line++;
          if (ch === '\\' && !prefix.includes('r')) {
            const e = source[j + 1]!;
            if (e === '\n') line++;
            value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e === '\n' ? '' : e === '\\' || e === "'" || e === '"' ? e : `\\${e}`;
            j += 2;
            continue;
          }
          if (ch === '\\') {
            value += source.slice(j, j + 2);
            if (source[j + 1] === '\n') line++;
            j += 2;
            continue;
          }
          value += ch;
          j++;
        }
        out.push({ kind: prefix.includes('f') ? 'fstring' : 'string', text: source.slice(i, j + quote.length), line: start, value });
        i = j + quote.length;
        continue;
      }
      const word = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*/.exec(source.slice(i, i + 200));
      const num = /^(?:0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)/.exec(source.slice(i, i + 100));
      if (word) (out.push({ kind: 'name', text: word[0], line }), (i += word[0].length));
      else if (num && num[0] !== '.') (out.push({ kind: 'number', text: num[0], line }), (i += num[0].length));
      else {
        const op = /^(?:\*\*=?|\/\/=?|->|:=|[<>=!]=|<<=?|>>=?|[-+*/%@&|^~<>=.,:;()[\]{}])/.exec(source.slice(i, i + 3))?.[0] ?? c;
        out.push({ kind: 'op', text: op, line });
        i += op.length;
      }
    }
  }
  // Brackets must balance (Python's "'(' was never closed").
  const open: Token[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const t of out) {
    if (t.kind !== 'op') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') open.push(t);
    else if (pairs[t.text]) {
      if (open.pop()?.text !== pairs[t.text]) fail(`unmatched '${t.text}'`, t.line);
    }
  }
  if (open.length) fail(`'${open[open.length - 1]!.text}' was never closed`, open[open.length - 1]!.line);
  return out;
}

/** A literal_eval failure: dbt's PythonLiteralEvalError text, with where the argument is. */
function literalError(file: string, line: number, what: string): ProjectError {
  return new ProjectError(
    'python_literal',
    `Parsing Error in ${file}: Error when trying to literal_eval an arg to dbt.ref(), dbt.source(), dbt.config() or dbt.config.get() \nmalformed node or string on line ${line}: ${what}\nhttps://docs.python.org/3/library/ast.html#ast.literal_eval\nIn dbt python model, \`dbt.ref\`, \`dbt.source\`, \`dbt.config\`, \`dbt.config.get\` function args only support Python literal structures`,
    { file, line, hint: `Write the argument as a literal ('name', 1, True, a list or dict of literals): dbt reads these calls without running the model.` },
  );
}

/** Reads one Python literal from `tokens` at `k` (ast.literal_eval's forms); returns the value and the next index. */
function literal(tokens: readonly Token[], k: number, file: string): [unknown, number] {
  const t = tokens[k];
  if (!t) throw literalError(file, tokens[k - 1]?.line ?? 1, 'end of arguments');
  if (t.kind === 'string') {
    // Adjacent string literals concatenate.
    let value = t.value!;
    while (tokens[k + 1]?.kind === 'string') value += tokens[++k]!.value!;
    if (tokens[k + 1]?.kind === 'fstring') throw literalError(file, t.line, tokens[k + 1]!.text);
    return [value, k + 1];
  }
  if (t.kind === 'number' || (t.kind === 'op' && (t.text === '-' || t.text === '+') && tokens[k + 1]?.kind === 'number')) {
    const sign = t.kind === 'op' ? (t.text === '-' ? -1 : 1) : 1;
    const n = t.kind === 'op' ? tokens[k + 1]! : t;
    const text = n.text.replace(/_/g, '');
    if (/[jJ]$/.test(text)) throw literalError(file, n.line, `${n.text} (a complex number)`);
    const value = /^0[xXoObB]/.test(text) ? Number(text.toLowerCase()) : Number(text);
    return [sign * value, k + (t.kind === 'op' ? 2 : 1)];
  }
  if (t.kind === 'name' && (t.text === 'True' || t.text === 'False' || t.text === 'None')) return [t.text === 'True' ? true : t.text === 'False' ? false : null, k + 1];
  if (t.kind === 'op' && (t.text === '[' || t.text === '(' || t.text === '{')) {
    const close = t.text === '[' ? ']' : t.text === '(' ? ')' : '}';
    const items: unknown[] = [];
    const dict: Record<string, unknown> = {};
    let isDict = false;
    let trailingComma = false;
    let j = k + 1;
    while (tokens[j]?.text !== close) {
      const [v, next] = literal(tokens, j, file);
      j = next;
      if (t.text === '{' && tokens[j]?.text === ':') {
        isDict = true;
        const [val, after] = literal(tokens, j + 1, file);
        dict[String(v)] = val;
        j = after;
      } else items.push(v);
      trailingComma = tokens[j]?.text === ',';
      if (trailingComma) j++;
      else if (tokens[j]?.text !== close) throw literalError(file, tokens[j]?.line ?? t.line, tokens[j]?.text ?? 'end of arguments');
    }
    // `(x)` is x; `(x,)` a tuple.
    if (t.text === '(' && items.length === 1 && !trailingComma) return [items[0], j + 1];
    return [isDict || (t.text === '{' && items.length === 0) ? dict : items, j + 1];
  }
  throw literalError(file, t.line, t.text);
}

/** The arguments of the call whose `(` is at `k`: positional and keyword literals, and the index after `)`. */
function callArgs(tokens: readonly Token[], k: number, file: string): { args: unknown[]; kwargs: Record<string, unknown>; end: number } {
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  let j = k + 1;
  while (tokens[j]?.text !== ')') {
    const t = tokens[j]!;
    if (t.kind === 'name' && tokens[j + 1]?.text === '=') {
      const [v, next] = literal(tokens, j + 2, file);
      kwargs[t.text] = v;
      j = next;
    } else {
      if (t.text === '*' || t.text === '**') throw literalError(file, t.line, `${t.text}${tokens[j + 1]?.text ?? ''}`);
      const [v, next] = literal(tokens, j, file);
      args.push(v);
      j = next;
    }
    if (tokens[j]?.text === ',') j++;
    else if (tokens[j]?.text !== ')') throw literalError(file, tokens[j]?.line ?? t.line, tokens[j]?.text ?? 'end of arguments');
  }
  return { args, kwargs, end: j + 1 };
}

function parseError(file: string, line: number, message: string, hint: string): ProjectError {
  return new ProjectError('python_model', `Parsing Error in ${file}: ${message}`, { file, line, hint });
}

/** dbt's PythonValidationVisitor: exactly one `def model(dbt, session)`. */
function validateModelDef(tokens: readonly Token[], file: string): void {
  const defs = tokens.flatMap((t, k) => (t.text === 'def' && t.kind === 'name' && tokens[k + 1]?.text === 'model' && tokens[k + 2]?.text === '(' ? [k] : []));
  if (defs.length !== 1) throw parseError(file, defs[1] !== undefined ? tokens[defs[1]]!.line : 1, `dbt allows exactly one model defined per python file, found ${defs.length}`, 'Define one `def model(dbt, session):` that returns a DataFrame.');
  const k = defs[0]!;
  const params: string[] = [];
  let depth = 0;
  let expectName = true;
  for (let j = k + 3; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (depth === 0 && t.text === ')') break;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    else if (depth === 0 && t.text === ',') expectName = true;
    else if (depth === 0 && expectName && t.kind === 'name') (params.push(t.text), (expectName = false));
  }
  const errors = [
    ...(params.length > 0 && params[0] !== 'dbt' ? ["'dbt' not provided for model as the first argument"] : []),
    ...(params.length !== 2 ? ['model function should have two args, `dbt` and a session to current warehouse'] : []),
  ];
  if (errors.length) throw parseError(file, tokens[k]!.line, errors.join('\n'), 'Write it as `def model(dbt, session):`.');
}

/** A Python model file's dbt calls (see the module comment); `file` names it in errors. */
export function parsePythonModel(source: string, file: string): ParsedPython {
  // dbt's verify_python_model_code: the file must render as itself.
  const jinja = /\{\{|\{%|\{#/.exec(source);
  if (jinja) throw parseError(file, source.slice(0, jinja.index).split('\n').length, 'No jinja in python model code is allowed', 'Python models are not templates: use dbt.ref(), dbt.source() and dbt.config() in the code instead of Jinja.');
  const tokens = tokenize(source, file);
  const out: ParsedPython = { refs: [], sources: [], configCalls: [] };
  if (tokens.length === 0) return out;
  validateModelDef(tokens, file);
  const [configKeys, configDefaults, metaKeys, metaDefaults]: unknown[][] = [[], [], [], []];
  for (let k = 0; k < tokens.length; k++) {
    // `dbt.ref(`, `dbt.source(`, `dbt.config(`, `dbt.config.get(` — a `dbt` that is not itself an attribute.
    if (tokens[k]!.text !== 'dbt' || tokens[k]!.kind !== 'name' || tokens[k - 1]?.text === '.' || tokens[k + 1]?.text !== '.') continue;
    const member = tokens[k + 2]?.text;
    const getter = member === 'config' && tokens[k + 3]?.text === '.' && (tokens[k + 4]?.text === 'get' || tokens[k + 4]?.text === 'meta_get') ? tokens[k + 4]!.text : undefined;
    const open = getter ? k + 5 : k + 3;
    if (tokens[open]?.text !== '(' || !(getter || member === 'ref' || member === 'source' || member === 'config')) continue;
    const line = tokens[k]!.line;
    const { args, kwargs } = callArgs(tokens, open, file);
    if (getter) {
      if (args.length === 0) throw parseError(file, line, `dbt.config.${getter}() requires at least one argument`, `Name the config key: dbt.config.${getter}('key').`);
      if (args.length > 2) throw parseError(file, line, `dbt.config.${getter}() takes at most 2 arguments (${args.length} given)`, `dbt.config.${getter}('key', default).`);
      // dbt keeps the keys read (config_keys_used / meta_keys_used): its py_script_postfix answers them (compile/python-postfix.ts).
      const [used, defaults] = getter === 'get' ? [configKeys, configDefaults] : [metaKeys, metaDefaults];
      used.push(args[0]);
      defaults.push(args.length === 2 ? args[1] : null);
    } else if (member === 'ref') out.refs.push(refCall(args, kwargs, file, line));
    else if (member === 'source') {
      if (args.length !== 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string' || Object.keys(kwargs).length)
        throw parseError(file, line, `source() takes exactly two string arguments (${args.length} given)`, "dbt.source('source_name', 'table_name').");
      out.sources.push([args[0], args[1]]);
    } else {
      const dict = args[0];
      if (args.length > 1 || (dict !== undefined && (typeof dict !== 'object' || dict === null || Array.isArray(dict))))
        throw parseError(file, line, 'dbt.config() takes keyword arguments or one dict', "dbt.config(materialized='table').");
      out.configCalls.push({ ...((dict as Record<string, unknown>) ?? {}), ...kwargs });
    }
  }
  if (configKeys.length || metaKeys.length)
    out.configCalls.push({ config_keys_used: configKeys, config_keys_defaults: configDefaults, meta_keys_used: metaKeys, meta_keys_defaults: metaDefaults });
  return out;
}

/** dbt's ref(): ref('name'), ref('package', 'name'), v= / version= for a model version. */
function refCall(args: unknown[], kwargs: Record<string, unknown>, file: string, line: number): RefCall {
  const extra = Object.keys(kwargs).filter((key) => key !== 'v' && key !== 'version');
  if (args.length < 1 || args.length > 2 || args.some((a) => typeof a !== 'string') || extra.length)
    throw parseError(file, line, `ref() takes one or two string arguments (and v= / version=)${extra.length ? `, got ${extra.join(', ')}=` : ''}`, "dbt.ref('model_name') or dbt.ref('package', 'model_name').");
  const pinned = kwargs.v ?? kwargs.version;
  const base = args.length === 1 ? { name: args[0] as string } : { package: args[0] as string, name: args[1] as string };
  return pinned === undefined || pinned === null ? base : { ...base, version: String(pinned) };
}
