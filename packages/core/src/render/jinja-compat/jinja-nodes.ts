import nunjucks from 'nunjucks';

/* eslint-disable @typescript-eslint/no-explicit-any */
const nodes = (nunjucks as any).nodes;

/** Custom AST nodes: Python truthiness wrapper, `{% do %}` and `{% break %}/{% continue %}`. */
export const JcTruth = nodes.Node.extend('JcTruth', { fields: ['target'] });
export const JcDo = nodes.Node.extend('JcDo', { fields: ['expr'] });
export const JcLoopControl = nodes.Node.extend('JcLoopControl', { fields: ['kind'] });
/** `f(*args)` and `f(**kwargs)` at a call site. */
export const JcSpread = nodes.Node.extend('JcSpread', { fields: ['target'] });
export const JcKwSpread = nodes.Node.extend('JcKwSpread', { fields: ['target'] });
