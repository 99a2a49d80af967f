import nunjucks from 'nunjucks';
import { splitKwargs, toList } from './python-methods.js';
import { copyDictKeys, setDictItem } from './dict-keys.js';
import { isDict, pyRepr, type Dict } from './python-values.js';
import { FLOAT_GLOBAL, floatLiteral } from './float-literal.js';
import { ReturnSignal } from './runtime-patches.js';

/** Globals: Jinja's `namespace()` and `dict()`, dbt's `return()`, and the setter the preprocessor emits. */

/** Jinja's namespace object: the only object `{% set ns.attr = v %}` may assign to. */
export class Namespace {
  constructor(attrs: Dict) {
    Object.assign(this, attrs);
  }
  toString(): string {
    return `<Namespace ${pyRepr({ ...this })}>`;
  }
}

/** Name of the global that `{% set ns.x = v %}` is rewritten to call. */
export const SETATTR_GLOBAL = '__jc_setattr';

function kwargsDict(raw: unknown[]): Dict {
  const { args, kwargs } = splitKwargs(raw);
  const d: Dict = {};
  const from = args[0];
  if (isDict(from)) {
    Object.assign(d, from);
    copyDictKeys(from, d);
  } else if (from !== undefined && from !== null) {
    // Python's dict(iterable): each item a (key, value) pair — dict(zip(names, values)), dict([(k, v), …]).
    for (const pair of toList(from)) {
      const kv = toList(pair);
      if (kv.length !== 2) throw new Error(`ValueError: dictionary update sequence element has length ${kv.length}; 2 is required`);
      setDictItem(d, kv[0], kv[1]);
    }
  }
  return Object.assign(d, kwargs);
}

export const JINJA_GLOBALS: Record<string, unknown> = {
  namespace: (...raw: unknown[]) => new Namespace(kwargsDict(raw)),
  dict: (...raw: unknown[]) => kwargsDict(raw),
  // dbt's return(data): ends the enclosing macro, whose call then evaluates to `data`. Python's
  // TypeError for another number of arguments, as dbt raises it (a Compilation Error): return() is
  // no `return None`.
  return: (...raw: unknown[]) => {
    const { args, kwargs } = splitKwargs(raw);
    const { data, ...other } = kwargs;
    const unexpected = Object.keys(other)[0];
    if (unexpected !== undefined) throw new Error(`_return() got an unexpected keyword argument '${unexpected}'`);
    const given = [...args, ...('data' in kwargs ? [data] : [])];
    if (args.length > 1) throw new Error(`_return() takes 1 positional argument but ${args.length} were given`);
    if (given.length > 1) throw new Error(`_return() got multiple values for argument 'data'`);
    if (given.length === 0) throw new Error(`_return() missing 1 required positional argument: 'data' (return(none) returns None)`);
    throw new ReturnSignal(given[0]);
  },
  [FLOAT_GLOBAL]: floatLiteral,
  [SETATTR_GLOBAL]: (obj: unknown, name: string, value: unknown) => {
    if (!(obj instanceof Namespace)) {
      throw new Error(`cannot assign attribute '${name}' on non-namespace object`);
    }
    (obj as unknown as Dict)[name] = value;
    return '';
  },
};

export function installGlobals(env: nunjucks.Environment): void {
  for (const [name, value] of Object.entries(JINJA_GLOBALS)) env.addGlobal(name, value);
}
