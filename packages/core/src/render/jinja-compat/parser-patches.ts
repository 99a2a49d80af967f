import nunjucks from 'nunjucks';
import { JcKwSpread, JcSpread } from './jinja-nodes.js';

/**
 * Jinja's parser, as overrides of nunjucks' Parser (pinned at 3.2.4) installed on OUR subclass's
 * prototype (environment.ts JinjaParser), never on nunjucks' own: Jinja's operator precedence,
 * tests parsed at the filter level, `x.name` told apart from `x['name']`, and `*args`/`**kwargs`
 * at call sites.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
const nj = nunjucks as any;
const nodes = nj.nodes;
const lexer = nj.lexer;

/** parsePostfix, as in nunjucks, but marks `x.name` lookups (attribute) apart from `x['name']`. */
function patchPostfix(proto: any): void {
  proto.parsePostfix = function (this: any, node: any) {
    let tok = this.peekToken();
    while (tok) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        const lookup = this.parseAggregate();
        // Jinja: `x[a, b]` subscripts with the tuple (a, b) (dbt-clickhouse's `validation.any[list, basestring]`).
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, lookup.children.length > 1 ? lookup : lookup.children[0]);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const val = this.nextToken();
        if (val.type !== lexer.TOKEN_SYMBOL) {
          this.fail('expected name as lookup value, got ' + val.value, val.lineno, val.colno);
        }
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, val.value));
        node.jcAttr = true;
      } else {
        break;
      }
      tok = this.peekToken();
    }
    return node;
  };
}

const MATH1: Record<string, string> = { '+': 'Add', '-': 'Sub' };
const MATH2: Record<string, string> = { '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '%': 'Mod' };

/**
 * Jinja's operator precedence: `+ -` bind looser than `~`, which binds looser than `* / // %`
 * (nunjucks: `~` loosest, and `a * b // c` parsed as `a * (b // c)`). All left-associative.
 */
function patchPrecedence(proto: any): void {
  const binary = (next: () => any, self: any, ops: Record<string, string>, tokenType: string) => {
    let node = next.call(self);
    for (;;) {
      const tok = self.peekToken();
      if (!tok || tok.type !== tokenType || !ops[tok.value]) return node;
      self.nextToken();
      node = new nodes[ops[tok.value]](node.lineno, node.colno, node, next.call(self));
    }
  };
  const math2 = function (this: any) {
    return binary(this.parsePow, this, MATH2, lexer.TOKEN_OPERATOR);
  };
  const concat = function (this: any) {
    return binary(math2, this, { '~': 'Concat' }, lexer.TOKEN_TILDE);
  };
  // parseCompare calls parseConcat for its operands: make that Jinja's `math1` level.
  proto.parseConcat = function (this: any) {
    return binary(concat, this, MATH1, lexer.TOKEN_OPERATOR);
  };
}

/** nunjucks' parseSignature plus `*args` / `**kwargs` arguments (compiled to JS spreads). */
function patchSignature(proto: any): void {
  proto.parseSignature = function (this: any, tolerant: boolean, noParens: boolean) {
    let tok = this.peekToken();
    if (!noParens && tok.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lexer.TOKEN_LEFT_PAREN) tok = this.nextToken();
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    let checkComma = false;
    for (;;) {
      tok = this.peekToken();
      if (!noParens && tok.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      } else if (noParens && tok.type === lexer.TOKEN_BLOCK_END) {
        break;
      }
      if (checkComma && !this.skip(lexer.TOKEN_COMMA)) {
        this.fail('parseSignature: expected comma after expression', tok.lineno, tok.colno);
      }
      const star = this.peekToken();
      if (star.type === lexer.TOKEN_OPERATOR && (star.value === '*' || star.value === '**')) {
        this.nextToken();
        const target = this.parseExpression();
        if (star.value === '*') args.addChild(new JcSpread(star.lineno, star.colno, target));
        else kwargs.addChild(new JcKwSpread(star.lineno, star.colno, target));
      } else {
        const arg = this.parseExpression();
        if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
          kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
        } else {
          args.addChild(arg);
        }
      }
      checkComma = true;
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  };
}

/**
 * Jinja parses `is` tests with filters, binding tighter than arithmetic and comparison
 * (`1 + 1 is odd` is `1 + (1 is odd)`); nunjucks parsed them below comparisons.
 */
function patchTests(proto: any): void {
  const origFilter = proto.parseFilter;
  proto.parseIs = function (this: any) {
    return this.parseCompare();
  };
  proto.parseFilter = function (this: any, node: any) {
    for (;;) {
      node = origFilter.call(this, node);
      const tok = this.peekToken();
      if (!tok || tok.type !== lexer.TOKEN_SYMBOL || tok.value !== 'is') return node;
      this.nextToken();
      const negate = this.skipSymbol('not');
      const nameTok = this.nextToken();
      // `none`, `true` and `false` are literal tokens in nunjucks' lexer but test names here.
      if (!nameTok || ![lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(nameTok.type)) {
        this.fail('expected a test name after "is"', nameTok?.lineno, nameTok?.colno);
      }
      let test: any = new nodes.Symbol(nameTok.lineno, nameTok.colno, nameTok.value);
      if (this.peekToken().type === lexer.TOKEN_LEFT_PAREN) {
        test = new nodes.FunCall(nameTok.lineno, nameTok.colno, test, this.parseSignature());
      }
      node = new nodes.Is(node.lineno, node.colno, node, test);
      if (negate) node = new nodes.Not(node.lineno, node.colno, node);
    }
  };
}

/** Installs the overrides on `proto`: the prototype of a Parser subclass (it inherits what it does not override). */
/**
 * Jinja's conditional expression nests in its else branch (`'a' if x else 'b' if y else 'c'`,
 * Jinja's parse_condexpr); nunjucks parses the else branch as a plain `or` expression.
 */
function patchInlineIf(proto: any): void {
  proto.parseInlineIf = function (this: any) {
    let node = this.parseOr();
    if (this.skipSymbol('if')) {
      const condNode = this.parseOr();
      const bodyNode = node;
      node = new nodes.InlineIf(node.lineno, node.colno);
      node.body = bodyNode;
      node.cond = condNode;
      node.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
    }
    return node;
  };
}

export function installParserPatches(proto: object): void {
  patchPostfix(proto);
  patchPrecedence(proto);
  patchInlineIf(proto);
  patchSignature(proto);
  patchTests(proto);
}
