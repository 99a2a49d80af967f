import nunjucks from 'nunjucks';
// nunjucks' AST transformer (async filters → callbacks) is not part of its public exports: imported by
// its path, the same module nunjucks' compiler uses (one copy also where tsdbt is bundled with nunjucks).
import transformer from 'nunjucks/src/transformer.js';
import { installCompilerPatches } from './compiler-patches.js';
import { installParserPatches } from './parser-patches.js';
import { installRuntimePatches, JinjaFrame } from './runtime-patches.js';
import { SharedTemplateCode } from './shared-code.js';
import { SourceShapes } from './source-shape.js';
import { JinjaTokenizer } from './tokenizer.js';

/**
 * The Jinja dialect as nunjucks subclasses of our own: nunjucks itself (its Parser, Compiler,
 * runtime and Frame) is never changed, so another nunjucks user in the same process renders as
 * nunjucks does. Our templates are JinjaTemplates: compiled by JinjaCompiler from what JinjaParser
 * parsed, and run with JINJA_RUNTIME (an object inheriting nunjucks' runtime) as their `runtime`.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
const nj = nunjucks as any;

type Ctor = new (...args: any[]) => any;
class JinjaParser extends (nj.parser.Parser as Ctor) {}
class JinjaCompiler extends (nj.compiler.Compiler as Ctor) {}

/** The `runtime` our compiled templates receive: nunjucks' runtime with Jinja's overrides on top. */
const JINJA_RUNTIME: Record<string, unknown> = Object.create(nj.runtime);

// nunjucks' Jinja compatibility (True/False/None, slices), installed on our classes and runtime:
// installJinjaCompat patches whatever `this` names as nunjucks.
nj.installJinjaCompat.call({
  runtime: JINJA_RUNTIME,
  lib: nj.lib,
  compiler: { Compiler: JinjaCompiler },
  parser: { Parser: JinjaParser },
  nodes: nj.nodes,
  lexer: nj.lexer,
});
installRuntimePatches(JINJA_RUNTIME);
installCompilerPatches(JinjaCompiler.prototype);
installParserPatches(JinjaParser.prototype);

/** The AST of a template (what nunjucks' parser.parse gives), parsed as Jinja. */
export function parseJinja(source: string, extensions: unknown[], opts: unknown): unknown {
  const parser = new JinjaParser(new JinjaTokenizer(source, opts));
  parser.extensions = extensions;
  return parser.parseAsRoot();
}

/** nunjucks' compiler.compile of a parsed template, with our compiler. */
function compileAst(ast: unknown, env: any, name: string): string {
  const compiler = new JinjaCompiler(name, env.opts.throwOnUndefined);
  compiler.compile(transformer.transform(ast, env.asyncFilters, name));
  return compiler.getCode();
}

/** The JS code our compiler makes of a Jinja template (tests, diagnostics). */
export function jinjaTemplateCode(source: string, env: any, name = 'template'): string {
  return compileAst(parseJinja(source, env.extensionsList, env.opts), env, name);
}

const sharedCode = new WeakMap<object, { code: SharedTemplateCode; sources: SourceShapes }>();
let sharing = true;
let fromSource = true;

/**
 * Whether templates share compiled code (default on), and whether same-shaped sources skip the
 * lexer and parser (source-shape.ts; default on, only with sharing); tests compare renders with them off.
 */
export function setSharedTemplateCode(on: boolean, options: { fromSource?: boolean } = {}): void {
  sharing = on;
  fromSource = options.fromSource ?? true;
}

/** The tokens of `source` as the parser reads them (whitespace left out); undefined when nunjucks' lexer fails. */
function lexAll(source: string, opts: unknown): any[] | undefined {
  try {
    const lexer = new JinjaTokenizer(source, opts);
    const tokens: any[] = [];
    for (let t = lexer.nextToken(); t; t = lexer.nextToken()) if (t.type !== nj.lexer.TOKEN_WHITESPACE) tokens.push(t);
    return tokens;
  } catch {
    return undefined;
  }
}

/** The AST of a template from its tokens (parseJinja's parser reading a token list). */
function parseTokens(tokens: any[], env: any): unknown {
  let next = 0;
  const tags = new JinjaTokenizer('', env.opts).tags;
  const parser = new JinjaParser({ tags, nextToken: () => tokens[next++] ?? null });
  parser.extensions = env.extensionsList;
  return parser.parseAsRoot();
}

function sharedFor(env: any): { code: SharedTemplateCode; sources: SourceShapes } | undefined {
  if (!sharing) return undefined;
  let shared = sharedCode.get(env);
  if (!shared && env.asyncFilters.length === 0) {
    const code = new SharedTemplateCode((tree, as) => compileAst(tree, env, as));
    const sources = new SourceShapes(code, { lex: (src) => lexAll(src, env.opts), parse: (tokens) => parseTokens(tokens, env) });
    sharedCode.set(env, (shared = { code, sources }));
  }
  return shared;
}

/** How many template shapes `env` compiled shared code for (tests, diagnostics). */
export function sharedTemplateShapes(env: object): number {
  return sharedCode.get(env)?.code.shapes ?? 0;
}

/** How many templates `env` compiled from a learnt source shape, without lexing or parsing them (tests, diagnostics). */
export function sourceShapeHits(env: object): number {
  return sharedCode.get(env)?.sources.hits ?? 0;
}

/**
 * The template's props (`root`, blocks): code shared with same-shaped templates where it can be
 * (shared-code.ts), straight from the source when its source shape is known (source-shape.ts).
 */
function compileProps(source: string, env: any, name: string): Record<string, any> {
  const shared = sharedFor(env);
  const known = shared && fromSource ? shared.sources.props(source) : undefined;
  if (known) return known;
  const ast = parseJinja(source, env.extensionsList, env.opts);
  return shared?.code.props(ast, source) ?? new Function(compileAst(ast, env, name))(); // eslint-disable-line no-new-func
}

/** A template compiled as Jinja, rendered with Jinja's runtime and scoping. */
export class JinjaTemplate extends (nunjucks.Template as unknown as Ctor) {
  _compile(this: any): void {
    const props = compileProps(this.tmplStr, this.env, this.path);
    this.blocks = this._getBlocks(props);
    // nunjucks hands its own runtime to the root function: ours replaces it.
    const root = props.root;
    this.rootRenderFunc = (env: unknown, context: unknown, frame: unknown, _runtime: unknown, cb: unknown) => root(env, context, frame, JINJA_RUNTIME, cb);
    this.compiled = true;
  }

  // A render's root frame is a JinjaFrame (nunjucks would make one of its own Frames).
  render(ctx?: object, parentFrame?: unknown, cb?: unknown): any {
    return typeof parentFrame === 'function' ? super.render(ctx, new JinjaFrame(), parentFrame) : super.render(ctx, parentFrame ?? new JinjaFrame(), cb);
  }

  getExported(ctx?: object, parentFrame?: unknown, cb?: unknown): any {
    return typeof parentFrame === 'function' ? super.getExported(ctx, new JinjaFrame(), parentFrame) : super.getExported(ctx, parentFrame ?? new JinjaFrame(), cb);
  }
}

/** A nunjucks Environment whose templates (strings, and those its loaders give imports/includes) are JinjaTemplates. */
export class JinjaEnvironment extends (nunjucks.Environment as unknown as Ctor) {
  private readonly jinjaOf = new WeakMap<object, object>();

  renderString(source: string, ctx: object, opts?: { path?: string }): string {
    return new JinjaTemplate(source, this, opts?.path).render(ctx);
  }

  getTemplate(name: unknown, eagerCompile?: unknown, parentName?: unknown, ignoreMissing?: unknown, cb?: unknown): any {
    if (typeof parentName === 'function') [cb, parentName] = [parentName, null];
    if (typeof eagerCompile === 'function') [cb, eagerCompile] = [eagerCompile, false];
    // nunjucks loads and caches the source; it is compiled here, as Jinja, once per loaded template.
    const asJinja = (t: any) => {
      if (!t || t instanceof JinjaTemplate) return t;
      let own = this.jinjaOf.get(t);
      if (!own) this.jinjaOf.set(t, (own = new JinjaTemplate(t.tmplStr, this, t.path, eagerCompile === true)));
      return own;
    };
    if (typeof cb === 'function')
      return super.getTemplate(name, false, parentName, ignoreMissing, (err: unknown, t: unknown) => (err ? (cb as (e: unknown) => void)(err) : (cb as (e: null, t: unknown) => void)(null, asJinja(t))));
    return asJinja(super.getTemplate(name, false, parentName, ignoreMissing));
  }
}
