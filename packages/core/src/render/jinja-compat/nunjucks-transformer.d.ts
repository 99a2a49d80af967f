// nunjucks' AST transformer (src/transformer.js, CommonJS), which @types/nunjucks does not describe.
declare module 'nunjucks/src/transformer.js' {
  const transformer: { transform(ast: unknown, asyncFilters: unknown, name: string): unknown };
  export default transformer;
}
