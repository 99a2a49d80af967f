import { JcDo, JcLoopControl } from './jinja-nodes.js';

/** `{% do expr %}` (jinja2.ext.do) and `{% break %}`/`{% continue %}` (jinja2.ext.loopcontrols). */

/* eslint-disable @typescript-eslint/no-explicit-any */
export class DoExtension {
  tags = ['do'];
  parse(parser: any): unknown {
    const tok = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(tok.value);
    return new JcDo(tok.lineno, tok.colno, expr);
  }
}

export class LoopControlExtension {
  tags = ['break', 'continue'];
  parse(parser: any): unknown {
    const tok = parser.nextToken();
    parser.advanceAfterBlockEnd(tok.value);
    return new JcLoopControl(tok.lineno, tok.colno, tok.value);
  }
}
