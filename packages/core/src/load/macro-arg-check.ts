/**
 * dbt 1.10's `flags: validate_macro_args` (parser/schemas.py _check_patch_arguments): a `macros:` YAML
 * entry's arguments are checked against the macro's Jinja signature — each name in its position, their
 * number, and each `type` against dbt's small type grammar (`string`, `list[int]`, `dict[str, any]`,
 * `optional[relation]`…). Each mismatch is dbt's InvalidMacroAnnotation warning, in dbt's words.
 */
export function macroArgumentWarnings(macro: { readonly name: string; readonly argNames: readonly string[] }, yamlArgs: readonly { readonly name: string; readonly type?: string }[]): string[] {
  if (yamlArgs.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; i < Math.min(yamlArgs.length, macro.argNames.length); i++)
    if (yamlArgs[i]!.name !== macro.argNames[i]) out.push(`Argument ${yamlArgs[i]!.name} in yaml for macro ${macro.name} does not match the jinja definition.`);
  if (yamlArgs.length !== macro.argNames.length) out.push(`The number of arguments in the yaml for macro ${macro.name} does not match the jinja definition.`);
  for (const a of yamlArgs)
    if (a.type !== undefined && a.type.trim() !== '' && !isValidMacroArgType(a.type)) out.push(`Argument ${a.name} in the yaml for macro ${macro.name} has an invalid type.`);
  return out;
}

/** dbt's macro argument types and how many type parameters each takes. */
const TYPE_PARAMS: Readonly<Record<string, number>> = { str: 0, string: 0, bool: 0, int: 0, integer: 0, float: 0, any: 0, list: 1, dict: 2, optional: 1, relation: 0, column: 0 };

/** dbt's is_valid_type: one type description, blanks ignored, nothing after it. */
export function isValidMacroArgType(text: string): boolean {
  const rest = matchType(text.replace(/[ \t]/g, ''));
  return rest === '';
}

/** The text after one type description at the start of `s`, or undefined when none starts it. */
function matchType(s: string): string | undefined {
  const name = /^[a-z]+/.exec(s)?.[0];
  if (name === undefined || !(name in TYPE_PARAMS)) return undefined;
  let rest = s.slice(name.length);
  const count = TYPE_PARAMS[name]!;
  if (count === 0) return rest;
  if (!rest.startsWith('[')) return undefined;
  rest = rest.slice(1);
  for (let i = 0; i < count; i++) {
    const after = matchType(rest);
    if (after === undefined) return undefined;
    rest = after;
    if (i < count - 1) {
      if (!rest.startsWith(',')) return undefined;
      rest = rest.slice(1);
    }
  }
  return rest.startsWith(']') ? rest.slice(1) : undefined;
}
