import nunjucks from 'nunjucks';
import { JcKwSpread, JcSpread, JcTruth } from './jinja-nodes.js';
import { macroArgInfo } from './macro-args.js';

/**
 * Jinja's compiler, as overrides of nunjucks' Compiler (pinned at 3.2.4: these rely on its
 * generated code) installed on OUR subclass's prototype (environment.ts JinjaCompiler), never on
 * nunjucks' own. Expressions are compiled to the `runtime.jc*` helpers installed by
 * runtime-patches.ts so operators, truthiness and comparisons follow Python.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
const nj = nunjucks as any;
const nodes = nj.nodes;

/** Compiles `helper(a, b)` for a binary node. */
function emitCall(c: any, frame: any, helper: string, parts: any[], thunkLast = false): void {
  c._emit(`runtime.${helper}(`);
  parts.forEach((p, i) => {
    if (i > 0) c._emit(thunkLast && i === parts.length - 1 ? ', () => (' : ', ');
    c.compile(p, frame);
  });
  c._emit(thunkLast ? '))' : ')');
}

/** The argument of a `return(x)` call of dbt's global (not a local named `return`), else undefined. */
function returnedValue(expr: any, frame: any): any {
  if (!(expr instanceof nodes.FunCall) || !(expr.name instanceof nodes.Symbol)) return undefined;
  if (expr.name.value !== 'return' || frame.lookup('return')) return undefined;
  const args: any[] = expr.args.children;
  if (args.length !== 1 || args[0] instanceof nodes.KeywordArgs || args[0] instanceof JcSpread || args[0] instanceof JcKwSpread) return undefined;
  return args[0];
}

function withTruthyCond(node: any): any {
  const copy = Object.create(node);
  copy.cond = new JcTruth(node.cond.lineno, node.cond.colno, node.cond);
  return copy;
}

function patchOperators(proto: any): void {
  proto.compileJcTruth = function (node: any, frame: any) {
    emitCall(this, frame, 'jcBool', [node.target]);
  };
  proto.compileOr = function (node: any, frame: any) {
    emitCall(this, frame, 'jcOr', [node.left, node.right], true);
  };
  proto.compileAnd = function (node: any, frame: any) {
    emitCall(this, frame, 'jcAnd', [node.left, node.right], true);
  };
  proto.compileNot = function (node: any, frame: any) {
    this._emit('!');
    emitCall(this, frame, 'jcBool', [node.target]);
  };
  proto.compileConcat = function (node: any, frame: any) {
    emitCall(this, frame, 'jcConcat', [node.left, node.right]);
  };
  proto.compileAdd = function (node: any, frame: any) {
    emitCall(this, frame, 'jcAdd', [node.left, node.right]);
  };
  proto.compileMul = function (node: any, frame: any) {
    emitCall(this, frame, 'jcMul', [node.left, node.right]);
  };
  proto.compileMod = function (node: any, frame: any) {
    emitCall(this, frame, 'jcMod', [node.left, node.right]);
  };
  // Python number semantics: `/` makes a float, floats stay floats (python-values.ts PyFloat).
  proto.compileSub = function (node: any, frame: any) {
    emitCall(this, frame, 'jcSub', [node.left, node.right]);
  };
  proto.compileDiv = function (node: any, frame: any) {
    emitCall(this, frame, 'jcDiv', [node.left, node.right]);
  };
  proto.compileFloorDiv = function (node: any, frame: any) {
    emitCall(this, frame, 'jcFloorDiv', [node.left, node.right]);
  };
  proto.compilePow = function (node: any, frame: any) {
    emitCall(this, frame, 'jcPow', [node.left, node.right]);
  };
  proto.compileNeg = function (node: any, frame: any) {
    emitCall(this, frame, 'jcNeg', [node.target]);
  };
  proto.compileCompare = function (node: any, frame: any) {
    this._emit('runtime.jcCompare([');
    this.compile(node.expr, frame);
    for (const op of node.ops) {
      this._emit(', ');
      this.compile(op.expr, frame);
    }
    this._emit(`], ${JSON.stringify(node.ops.map((op: any) => op.type))})`);
  };
  const origGroup = proto.compileGroup;
  // `(a, b)` and `()` are tuples, not JS's comma operator.
  proto.compileGroup = function (node: any, frame: any) {
    if (node.children.length === 1) return origGroup.call(this, node, frame);
    this._emit('runtime.jcTuple(');
    this._compileAggregate(node, frame, '[', ']');
    this._emit(')');
  };
  const origDict = proto.compileDict;
  // Dict literal keys are expressions in Jinja (`{k: v}` uses the variable k).
  proto.compileDict = function (node: any, frame: any) {
    if (node instanceof nodes.KeywordArgs) return origDict.call(this, node, frame);
    this._emit('runtime.jcDict([');
    node.children.forEach((pair: any, i: number) => {
      if (i > 0) this._emit(', ');
      this._emit('[');
      this._compileExpression(pair.key, frame);
      this._emit(', ');
      this._compileExpression(pair.value, frame);
      this._emit(']');
    });
    this._emit('])');
  };
  proto.compileInlineIf = function (node: any, frame: any) {
    this._emit('(');
    emitCall(this, frame, 'jcBool', [node.cond]);
    this._emit(' ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('undefined');
    this._emit(')');
  };
  const origIf = proto.compileIf;
  proto.compileIf = function (node: any, frame: any, async: boolean) {
    return origIf.call(this, withTruthyCond(node), frame, async);
  };
  proto.compileLookupVal = function (node: any, frame: any) {
    this._emit(node.jcAttr ? 'runtime.jcAttr((' : 'runtime.memberLookup((');
    this._compileExpression(node.target, frame);
    this._emit('),');
    this._compileExpression(node.val, frame);
    this._emit(')');
  };
  // Tests with several arguments (`is in(a)`, `is divisibleby(3)`); nunjucks dropped the commas.
  proto.compileIs = function (node: any, frame: any) {
    const right = node.right.name ? node.right.name.value : node.right.value;
    this._emit(`env.getTest(${JSON.stringify(String(right))}).call(context, `);
    this.compile(node.left, frame);
    for (const arg of node.right.args?.children ?? []) {
      this._emit(', ');
      this.compile(arg, frame);
    }
    this._emit(') === true');
  };
  const origNodeName = proto._getNodeName;
  // The name ends up in a JS string literal: a multi-line string literal receiver broke the code.
  proto._getNodeName = function (node: any) {
    return String(origNodeName.call(this, node)).replace(/[\\\n\r\u2028\u2029]/g, ' ');
  };
}

/** `{% set %}`: inside a loop or macro, never assign the JS variable of an outer scope. */
function patchSet(proto: any): void {
  proto.compileSet = function (node: any, frame: any) {
    const ids: string[] = node.targets.map((target: any) => {
      const name = target.value;
      // Jinja: every block scope isolates its writes, so a name is written where this scope binds
      // it, else it is a new binding here (compile-time frames are nunjucks' own, not JinjaFrames).
      const owner = frame.variables[name] !== undefined ? frame : undefined;
      let id: string | null = owner ? owner.lookup(name) : null;
      if (!id || id.startsWith('runtime.')) {
        id = this._tmpid();
        this._emitLine(`var ${id};`);
        // An outer compile-time binding is shadowed from here on: resolve the name at run time.
        if (frame.lookup(name)) frame.set(name, `runtime.contextOrFrameLookup(context, frame, ${JSON.stringify(name)})`);
      }
      return id;
    });
    this._emit(ids.join(' = ') + ' = ');
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(';');
    node.targets.forEach((target: any, i: number) => {
      const name = JSON.stringify(target.value);
      this._emitLine(`frame.set(${name}, ${ids[i]}, true);`);
      this._emitLine(`if(frame.topLevel) { context.setVariable(${name}, ${ids[i]}); }`);
      if (target.value.charAt(0) !== '_') {
        this._emitLine(`if(frame.topLevel) { context.addExport(${name}, ${ids[i]}); }`);
      }
    });
  };
}

function patchLoopsAndMacros(proto: any): void {
  proto._emitLoopBindings = function (node: any, arr: string, i: string, len: string) {
    const multi = node.name instanceof nodes.Array;
    const names: string[] = multi ? node.name.children.map((c: any) => c.value) : [node.name.value];
    this._emitLine(`runtime.jcResetLoopFrame(frame, ${JSON.stringify(names)});`);
    if (multi) {
      // nunjucks stored unpacked loop variables under "[object Object]": bind the real names.
      const sets = names.map((n, u) => `frame.set(${JSON.stringify(n)}, ${arr}[${i}][${u}]);`).join(' ');
      this._emitLine(`if (runtime.isArray(${arr})) { ${sets} }`);
    }
    // nunjucks' index…length plus Jinja's previtem/nextitem/depth, written in one call (eleven
    // frame.set calls per iteration were a good part of a package's row-by-row rendering).
    this._emitLine(`runtime.jcLoopVars(frame, ${arr}, ${i}, ${len});`);
  };
  const origFor = proto.compileFor;
  proto.compileFor = function (node: any, frame: any) {
    this.jcLoopDepth = (this.jcLoopDepth ?? 0) + 1;
    try {
      return origFor.call(this, node, frame);
    } finally {
      this.jcLoopDepth--;
    }
  };
  const origCapture = proto.compileCapture;
  proto.compileCapture = function (node: any, frame: any) {
    const depth = this.jcLoopDepth;
    const inBody = this.jcMacroBody;
    this.jcLoopDepth = 0; // a capture is compiled as a function: no break/continue across it
    this.jcMacroBody = false; // nor a JS `return` out of the macro (compileReturn)
    try {
      return origCapture.call(this, node, frame);
    } finally {
      this.jcLoopDepth = depth;
      this.jcMacroBody = inBody;
    }
  };
  // An extension's body ({% materialization %}, {% test %}…) is compiled as a function too.
  const origExtension = proto.compileCallExtension;
  proto.compileCallExtension = function (node: any, frame: any, async: boolean) {
    const inBody = this.jcMacroBody;
    this.jcMacroBody = false;
    try {
      return origExtension.call(this, node, frame, async);
    } finally {
      this.jcMacroBody = inBody;
    }
  };
  const origMacro = proto._compileMacro;
  proto._compileMacro = function (node: any, frame: any) {
    const depth = this.jcLoopDepth;
    const inBody = this.jcMacroBody;
    this.jcLoopDepth = 0;
    this.jcMacroBody = true;
    const start = this.codebuf.length;
    let funcId: string;
    try {
      funcId = origMacro.call(this, node, frame);
    } finally {
      this.jcMacroBody = inBody;
    }
    this.jcLoopDepth = depth;
    const buf: string[] = this.codebuf;
    const head = buf.indexOf('var callerFrame = frame;\n', start);
    const callerLine = buf.indexOf('frame.set("caller", kwargs.caller); }\n', start);
    const last = buf.length - 1;
    if (head < 0 || callerLine < 0 || buf[last] !== '});\n') {
      throw new Error('jinja-compat: unexpected nunjucks macro code (is nunjucks still 3.2.4?)');
    }
    // try/finally restores the caller's frame when return() unwinds the macro body. An error
    // leaving the body carries the line in the macro's own file (nunjucks would report only the
    // line of the outermost template); return() passes through untouched.
    buf[head] = 'var callerFrame = frame;\ntry {\n';
    buf[callerLine] += 'runtime.jcMacroVars(frame, kwargs);\n';
    buf[last] = '} catch (e) { throw runtime.jcIsReturn(e) ? e : runtime.handleError(e, lineno, colno); } finally { frame = callerFrame; }\n});\n';
    // Calls are checked as Jinja2 checks them (macro-args.ts): what the body reads of varargs/kwargs/caller.
    this._emitLine(`${funcId}.jcArgs = ${JSON.stringify(macroArgInfo(node))};`);
    return funcId;
  };
  // dbt renames every macro to `dbt_macro__<name>`, so a top-level macro whose name starts with
  // `_` is exported and callable from other files (dbt_utils' `_is_relation`); Jinja would hide it.
  const origCompileMacro = proto.compileMacro;
  proto.compileMacro = function (node: any, frame: any) {
    origCompileMacro.call(this, node, frame);
    const name: string = node.name.value;
    if (!frame.parent && name.startsWith('_')) this._emitLine(`context.addExport(${JSON.stringify(name)});`);
  };
  // `{% do return(x) %}` / `{{ return(x) }}` where the code is the macro's own function: a JS
  // `return` of the value, which the macro wrapper unboxes (runtime-patches) — no exception
  // thrown and unwound for each call of a macro that returns (the common way dbt macros end).
  // Elsewhere (a {% set %} block, an extension's body) return() throws as before.
  proto.jcCompileReturn = function (expr: any, frame: any): boolean {
    const value = this.jcMacroBody ? returnedValue(expr, frame) : undefined;
    if (!value) return false;
    this._emit('return runtime.jcReturned(');
    this._compileExpression(value, frame);
    this._emitLine(');');
    return true;
  };
  const origOutput = proto.compileOutput;
  proto.compileOutput = function (node: any, frame: any) {
    const children: any[] = node.children;
    if (!this.jcMacroBody || !children.some((child) => returnedValue(child, frame))) return origOutput.call(this, node, frame);
    // Output before the return() is written as usual (then dropped with the macro's output).
    for (const child of children) {
      if (this.jcCompileReturn(child, frame)) return;
      origOutput.call(this, Object.assign(Object.create(node), { children: [child] }), frame);
    }
  };
  proto.compileJcDo = function (node: any, frame: any) {
    if (this.jcCompileReturn(node.expr, frame)) return;
    this._emit(';(');
    this._compileExpression(node.expr, frame);
    this._emitLine(');');
  };
  // `f(*args)` / `f(**kwargs)` compile to JS spreads.
  proto.compileJcSpread = function (node: any, frame: any) {
    this._emit('...runtime.jcToList(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  proto.compileJcKwSpread = function (node: any, frame: any) {
    this._emit('...(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  proto.compileJcLoopControl = function (node: any) {
    if (!this.jcLoopDepth) this.fail(`'${node.kind}' outside of a for loop`, node.lineno, node.colno);
    this._emitLine(`${node.kind};`);
  };
}

/** Installs the overrides on `proto`: the prototype of a Compiler subclass. */
export function installCompilerPatches(proto: any): void {
  const origAssert = proto.assertType;
  proto.assertType = function (node: any, ...types: unknown[]) {
    if (node instanceof JcTruth) return;
    return origAssert.call(this, node, ...types);
  };
  patchOperators(proto);
  patchSet(proto);
  patchLoopsAndMacros(proto);
  patchEagerRoot(proto);
}

/**
 * The template's `root` function as a parenthesised function expression, which V8 compiles with the
 * code around it (its "possibly invoked function expression" heuristic). A plain `function root` is
 * only pre-parsed by `new Function` and parsed again in full at the first render — every template's
 * root is rendered right after it is compiled, so that was two passes of V8's parser over each
 * template's code (~10% of a cold load's CPU on a project of 10,000 distinct templates). Same code otherwise.
 */
function patchEagerRoot(proto: any): void {
  const begin = proto._emitFuncBegin;
  const end = proto._emitFuncEnd;
  proto._emitFuncBegin = function (node: any, name: string) {
    const at = this.codebuf.length;
    begin.call(this, node, name);
    if (name !== 'root') return;
    const line = this.codebuf[at] as string;
    this.jcEagerRoot = line.startsWith('function root(');
    if (this.jcEagerRoot) this.codebuf[at] = `var root = (${line}`;
  };
  // compileRoot ends root with _emitFuncEnd(true); blocks end theirs with _emitFuncEnd().
  proto._emitFuncEnd = function (noReturn?: boolean) {
    end.call(this, noReturn);
    if (noReturn && this.jcEagerRoot) {
      this.jcEagerRoot = false;
      this._emitLine(');');
    }
  };
}
