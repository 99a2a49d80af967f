import jsYaml from 'js-yaml';

/*
 * js-yaml's default schema, with the float and timestamp resolvers of plain scalars behind a check
 * of the first character: they run regular expressions on every plain scalar (each key and name of
 * a schema file), and a float starts with a digit, a sign or '.', a timestamp with a digit. The same
 * types in the same order: the same values.
 */
/** A js-yaml type as it is at run time (its .d.ts leaves out `tag`, `options` and the `types` export). */
type YamlType = jsYaml.Type & { readonly tag: string; readonly options: jsYaml.TypeConstructorOptions };
const types = (jsYaml as unknown as { types: Record<'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'merge' | 'binary' | 'omap' | 'pairs' | 'set', YamlType> }).types;
const startsNumeric = (d: string): boolean => {
  const c = d.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46;
};
const prefiltered = (type: YamlType, first: (d: string) => boolean): jsYaml.Type =>
  // `options`: what the type was defined with (js-yaml keeps them for such extensions).
  new jsYaml.Type(type.tag, { ...type.options, resolve: (d: string | null) => d !== null && d.length > 0 && first(d) && type.resolve(d) });
export const SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [types.null, types.bool, types.int, prefiltered(types.float, startsNumeric), prefiltered(types.timestamp, (d) => d.charCodeAt(0) >= 48 && d.charCodeAt(0) <= 57), types.merge],
  explicit: [types.binary, types.omap, types.pairs, types.set],
});

/** A YAML text's data as parseYaml reads it first (throws on a syntax error or a key written twice). */
export function loadYamlData(text: string, file: string): unknown {
  return jsYaml.load(text, { filename: file, schema: SCHEMA }) ?? {};
}
