import nunjucks from 'nunjucks';

/**
 * Compiled code shared by templates of the same shape. nunjucks compiles every template to JS
 * source and evaluates it with `new Function` — half of a cold load of a Jinja-heavy project, and
 * each new function is then parsed and optimised by V8 on its own. Projects repeat a few template
 * shapes thousands of times (the same `config()`/`ref()`/`var()`/`{% if %}` around different SQL),
 * so the code is compiled once per shape: the AST with its string literals, template text and
 * positions taken out. Each template then calls the shape's factory with its own values
 * (`L`: the string literals and text, `P`: line/column of every node, for error positions).
 *
 * The shape key is the whole AST (node types, every own property, symbol names, operators, numbers)
 * except those values, so two templates with one key compile to the same code but for them. As a
 * guard, the code is compiled from the AST with every hoisted value replaced by a sentinel: a
 * sentinel left anywhere but in a plain literal position (a callee's name, an import's parent
 * name...) means the code depends on the value, and that shape is compiled per template as before.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
const nodes = (nunjucks as any).nodes;
const MARK = '\u0000tsdbtL';
const NAME = '\u0000tsdbtName\u0000';
const LITERAL_SITE = /"\u0000tsdbtL(\d+)\u0000"/g;
const SENTINEL_TEXT = /\u0000|tsdbtL|tsdbtName/;
// Shapes whose code nunjucks' transformer would change (blocks, async filters) are not shared.
const UNSHARED = new Set(['Block', 'Super', 'FilterAsync', 'IfAsync', 'AsyncEach', 'AsyncAll', 'CallExtensionAsync']);
const MAX_SHAPES = 5000;

export type Factory = (L: readonly string[], P: readonly unknown[]) => Record<string, unknown>;

export interface Shape {
  readonly key: string;
  readonly lits: string[];
  readonly litNodes: any[];
  readonly pos: unknown[];
  readonly posNodes: any[];
  /** Literal nodes whose string value is part of the key (not hoisted: a callee's name, a `x['name']` lookup, ''). */
  readonly bakedNodes: Set<any>;
}

/** The shape of `ast`, or undefined when it must be compiled on its own. */
export function shapeOf(ast: any): Shape | undefined {
  let key = '';
  const lits: string[] = [];
  const litNodes: any[] = [];
  const pos: unknown[] = [];
  const posNodes: any[] = [];
  const bakedNodes = new Set<any>();
  // Strings are length-prefixed, so no two different ASTs give one key. (A node met twice is
  // harmless: both of its entries hold the same values.)
  const value = (v: unknown, hoist: boolean, owner?: any): boolean => {
    if (typeof v === 'string') {
      key += `s${v.length}:${v}`;
      if (owner) bakedNodes.add(owner);
    } else if (v instanceof nodes.Node) return visit(v, hoist);
    else if (Array.isArray(v)) {
      key += '[';
      for (const item of v) if (!value(item, hoist)) return false;
      key += ']';
    } else if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') key += `${typeof v}:${String(v)};`;
    else return false;
    return true;
  };
  const visit = (node: any, hoist: boolean): boolean => {
    if (UNSHARED.has(node.typename)) return false;
    key += `${node.typename}(`;
    pos.push(node.lineno, node.colno);
    posNodes.push(node);
    for (const k of Object.keys(node)) {
      if (k === 'lineno' || k === 'colno') continue;
      key += `${k}=`;
      const v = node[k];
      if (k === 'value' && hoist && typeof v === 'string' && v !== '' && node instanceof nodes.Literal) {
        key += '$';
        lits.push(v);
        litNodes.push(node);
      } else if (!value(v, hoist && !((k === 'name' && node instanceof nodes.FunCall) || (k === 'val' && node instanceof nodes.LookupVal)), k === 'value' && node instanceof nodes.Literal ? node : undefined)) {
        return false;
      }
    }
    key += ')';
    return true;
  };
  return visit(ast, true) ? { key, lits, litNodes, pos, posNodes, bakedNodes } : undefined;
}

/** Whether a template's source may share code (it holds none of the sentinels' characters). */
export function sharable(source: string): boolean {
  // includes() first: a search for one string is much cheaper than the regular expression's.
  return !source.includes('\u0000') && !(source.includes('tsdbt') && SENTINEL_TEXT.test(source));
}

/** Puts the sentinels in (true) or the template's own values back (false). */
function mark(shape: Shape, on: boolean): void {
  shape.litNodes.forEach((node, i) => (node.value = on ? `${MARK}${i}\u0000` : shape.lits[i]));
  shape.posNodes.forEach((node, i) => {
    node.lineno = on ? `P[${2 * i}]` : shape.pos[2 * i];
    node.colno = on ? `P[${2 * i + 1}]` : shape.pos[2 * i + 1];
  });
}

/**
 * Keys met per window of templates: a window of 256 with ≥ 90% keys never met before pauses the
 * caller's cache for the next 2,048 templates (then it tries again). In a project whose templates
 * all differ, as most real projects' do, a cache would only cost: the key's computation, and
 * memory for entries nothing reuses.
 */
export class NewKeyWindow {
  private seen = 0;
  private fresh = 0;
  private pause = 0;

  /** Whether this template is to pass the cache by (counts one template of a pause). */
  paused(): boolean {
    if (this.pause === 0) return false;
    this.pause--;
    return true;
  }

  /** Notes a template's key, new (never met) or not. */
  met(isNew: boolean): void {
    if (isNew) this.fresh++;
    if (++this.seen < WINDOW) return;
    if (this.fresh >= NEW_IN_WINDOW) this.pause = PAUSE;
    this.seen = this.fresh = 0;
  }
}

const WINDOW = 256;
const NEW_IN_WINDOW = 0.9 * WINDOW;
const PAUSE = 8 * WINDOW;

/** Template props (`root`…) from shared code, per environment; `compile(ast, name)` is nunjucks' codegen. */
export class SharedTemplateCode {
  private readonly factories = new Map<string, Factory | null>();
  /** Sharing is given up for a while when nearly every shape is new: each compiled on its own, nothing kept. */
  private readonly window = new NewKeyWindow();

  constructor(private readonly compile: (ast: unknown, name: string) => string) {}

  /** Shapes compiled so far (null entries: shapes compiled per template). */
  get shapes(): number {
    return [...this.factories.values()].filter(Boolean).length;
  }

  /** The compiled props of the template `source` parsed as `ast`, or undefined: compile it on its own. */
  props(ast: unknown, source: string): Record<string, unknown> | undefined {
    if (this.window.paused() || !sharable(source)) return undefined;
    const shape = shapeOf(ast);
    if (!shape) return undefined;
    this.window.met(!this.factories.has(shape.key));
    const factory = this.factoryOf(ast, shape);
    return factory ? factory(shape.lits, shape.pos) : undefined;
  }

  /** The shared code of `shape` (the shape of `ast`), compiled on first use; null: compile such templates on their own. */
  factoryOf(ast: unknown, shape: Shape): Factory | null {
    let factory = this.factories.get(shape.key);
    if (factory === undefined) {
      factory = this.build(ast, shape);
      if (this.factories.size >= MAX_SHAPES) this.factories.delete(this.factories.keys().next().value as string);
      this.factories.set(shape.key, factory);
    }
    return factory;
  }

  private build(ast: unknown, shape: Shape): Factory | null {
    mark(shape, true);
    try {
      const code = this.compile(ast, NAME).replace(LITERAL_SITE, 'L[$1]');
      if (SENTINEL_TEXT.test(code)) return null; // a value reached the code elsewhere
      return new Function('L', 'P', code) as Factory; // eslint-disable-line no-new-func
    } catch {
      return null; // compiled on its own, which reports the error as nunjucks does
    } finally {
      mark(shape, false);
    }
  }
}
