import nunjucks from 'nunjucks';
import { JinjaEnvironment } from './environment.js';
import { DoExtension, LoopControlExtension } from './extensions.js';
import { installFilters } from './filters.js';
import { installGlobals } from './globals.js';
import { preprocessSource } from './preprocess.js';
import { installTests } from './tests.js';

/**
 * Jinja2 compatibility layer over nunjucks 3.2.4 (dbt configuration: autoescape off, no
 * trim_blocks), contained in our own environment, template, parser, compiler and runtime
 * (environment.ts): nunjucks itself is left as it is. Templates must go through
 * `preprocessJinja` before they are compiled, as JinjaTemplates (`parseJinja` for the AST alone).
 */
export { JinjaTemplate, jinjaTemplateCode, parseJinja, setSharedTemplateCode, sharedTemplateShapes, sourceShapeHits } from './environment.js';
export { setUndefinedCallHandler } from './runtime-patches.js';

/** The one place that creates nunjucks environments: autoescape off and Jinja2 compatibility. */
export function createJinjaEnvironment(): nunjucks.Environment {
  const env = new JinjaEnvironment([], { autoescape: false, throwOnUndefined: false }) as unknown as nunjucks.Environment;
  env.addExtension('jinja_do', new DoExtension());
  env.addExtension('jinja_loopcontrols', new LoopControlExtension());
  installFilters(env);
  installTests(env);
  installGlobals(env);
  return env;
}

/**
 * Source-level rewrites applied before nunjucks parses a file (Jinja2 syntax nunjucks lacks).
 * Throws an Error naming `file` and the line for constructs that cannot be rendered identically.
 */
export function preprocessJinja(source: string, file: string): string {
  return preprocessSource(source, file);
}
