import { createJinjaEnvironment, preprocessJinja } from '../render/jinja-compat/index.js';
import { secretEnvVarError, splitArgs } from '../render/dbt-context.js';
import { raiseInTemplate, toRenderError } from '../render/template-error.js';
import { pythonModules } from '../render/modules/index.js';
import { ProjectError } from '../shared/errors.js';
import { SECRET_ENV_PREFIX } from '../shared/secrets.js';
import { readProjectFile, withRenderedPaths, type ProjectFile } from './project-file.js';

/**
 * A renderer for packages.yml values, as dbt's PackageRenderer: env_var() and var() (--vars only;
 * the project's vars are not known before packages are installed).
 */
export function packagesYamlRenderer(env: NodeJS.ProcessEnv, cliVars: Readonly<Record<string, unknown>>): (text: string, file: string) => string {
  const globals = { var: cliVarFunction(cliVars, 'tsdbt deps') };
  return (text, file) => (text.includes('{{') || text.includes('{%') ? renderProfileString(text, file, env, globals, true) : text);
}

/** The project file with its folder keys rendered as dbt renders them (env_var(), --vars, `modules`: project-file.ts withRenderedPaths). */
export function readProjectFileRendered(projectRoot: string, env: NodeJS.ProcessEnv, cliVars: Readonly<Record<string, unknown>>, reads?: Set<string>): ProjectFile {
  const pf = readProjectFile(projectRoot);
  return withRenderedPaths(pf, (text) => renderProfileString(text, pf.file, env, { modules: pythonModules, var: cliVarFunction(cliVars, 'the command', reads) }));
}

/** var() where only --vars are known (packages.yml, profiles.yml: dbt's PackageRenderer / ProfileRenderer). */
export function cliVarFunction(cliVars: Readonly<Record<string, unknown>>, command: string, reads?: Set<string>): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const { name, given, fallback } = nameAndDefault(args);
    reads?.add(name);
    if (name in cliVars) return cliVars[name];
    if (given) return fallback;
    raiseInTemplate(new ProjectError('missing_var', `Required var '${name}' not found in config:\nVars supplied to <Configuration> = ${JSON.stringify(cliVars, null, 2)}`, { hint: `Pass --vars '{${name}: value}' to ${command}, or give var() a default.` }));
  };
}

/** `f('name', 'd')` or `f('name', default='d')`: the name and the default, if any. */
/** A var()/env_var() call's name and default; `var('x', None)` has a default (None), as in dbt. */
export function nameAndDefault(args: readonly unknown[]): { name: string; given: boolean; fallback: unknown } {
  const { positional, keywords } = splitArgs(args);
  return { name: String(positional[0]), given: positional.length > 1 || 'default' in keywords, fallback: positional.length > 1 ? positional[1] : keywords.default };
}

/** Renders Jinja in a YAML value (profiles, source properties): env_var(), plus `target` and var() where given. */
export function renderProfileString(text: string, file: string, env: NodeJS.ProcessEnv, globals: Readonly<Record<string, unknown>> = {}, allowSecrets = false): string {
  const jinja = createJinjaEnvironment();
  for (const [name, value] of Object.entries(globals)) jinja.addGlobal(name, value);
  jinja.addGlobal('env_var', (...args: unknown[]) => {
    const { name, given, fallback } = nameAndDefault(args);
    if (!allowSecrets && name.startsWith(SECRET_ENV_PREFIX)) raiseInTemplate(secretEnvVarError(name, file));
    const value = env[name];
    if (value !== undefined) return value;
    if (given) return fallback;
    raiseInTemplate(new ProjectError('missing_env_var', `Environment variable '${name}' is not set (used in ${file})`, {
      file,
      hint: `Export ${name}, or write env_var('${name}', 'default').`,
    }));
  });
  try {
    // As every template: Jinja's source rewrites first (None/True/False, `{% set %}` forms…, one trailing newline dropped — a folded `identifier: >` value ends in one).
    return jinja.renderString(preprocessJinja(text, file), {});
  } catch (error) {
    // Name the YAML file and the value being rendered (no line: values are rendered after parsing).
    const e = toRenderError(error, file);
    throw new ProjectError(e.code, `${e.message} (in ${file}: "${text}")`, { file, hint: e.hint, cause: e });
  }
}
