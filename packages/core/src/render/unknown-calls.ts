import { didYouMean } from '../shared/did-you-mean.js';
import { ProjectError, TsdbtError } from '../shared/errors.js';
import { BUILTIN_PACKAGE, type MacroRegistry } from './macro-registry.js';

/** nunjucks' message for a call of something undefined: `dbt_utils["star"]` or `my_macro`. */
const UNDEFINED_CALL = /Unable to call `([A-Za-z_]\w*)(?:\["([A-Za-z_]\w*)"\])?`, which is undefined or falsey(?:: ('[^']+ object' has no attribute '\w+'))?/;

/**
 * A call of an undefined name, said as a dbt user needs it: a macro missing from a package (with
 * a did-you-mean), a method a value lacks, a name nothing defines (a package not installed, a variable out of scope), or an unknown macro. Other
 * errors are returned unchanged. The location (the call site) is kept.
 */
export function explainUnknownCall(error: TsdbtError, registry: MacroRegistry): TsdbtError {
  const m = UNDEFINED_CALL.exec(error.message);
  if (!m) return error;
  const [, head, member, noAttribute] = m as unknown as [string, string, string | undefined, string | undefined];
  const located = { file: error.file, line: error.line, column: error.column, callChain: error.callChain, cause: error };
  if (member !== undefined) {
    const macros = registry.packageMacros(head);
    if (macros) {
      const guess = didYouMean(member, macros.keys());
      return new ProjectError('unknown_macro', `Macro '${head}.${member}' not found: package '${head}' has no macro named '${member}'`, {
        ...located,
        hint: guess ? `Did you mean ${head}.${guess}?` : head === BUILTIN_PACKAGE ? `tsdbt does not implement dbt.${member} yet.` : `Check the package's version in packages.yml (an older or newer release may lack it), then run tsdbt deps.`,
      });
    }
    // `head` is a value (jinja-compat's jcCallWrap said what it is), not a package.
    if (noAttribute)
      return new ProjectError('unknown_attribute', `'${head}.${member}' cannot be called: ${noAttribute}`, {
        ...located,
        hint: `Check the method's name and what '${head}' holds here (dbt's objects and Python's str/list/dict methods are what templates can call).`,
      });
    // Jinja's (and dbt's) "'x' is undefined": nothing here is named `head` — a package not installed,
    // or a variable out of scope or misspelt (a {% set %} inside a for loop is gone after it).
    return new ProjectError('unknown_package', `'${head}' is undefined ('${head}.${member}' is called here): no variable, macro or installed package is named '${head}'`, {
      ...located,
      hint: `If '${head}' is a package, add it to packages.yml (e.g. \`- package: <namespace>/${head}\` with a version) and run tsdbt deps. If it is a variable, check its name and set it where it is used: a {% set %} inside a {% for %} loop or another macro is not seen outside it (Jinja's scoping; use namespace() to carry a value out of a loop).`,
    });
  }
  const guess = didYouMean(head, registry.globalNames());
  return new ProjectError('unknown_macro', `Macro '${head}' not found`, {
    ...located,
    hint: guess
      ? `Did you mean '${guess}'?`
      : `Define {% macro ${head}(...) %} in a macro file; a package's macro is called as package.${head}(...) (run tsdbt deps if the package is not installed).`,
  });
}
