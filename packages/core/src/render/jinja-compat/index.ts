import nunjucks from 'nunjucks';
import { installCompilerPatches } from './compiler-patches.js';
import { DoExtension, LoopControlExtension } from './extensions.js';
import { installFilters } from './filters.js';
import { installGlobals } from './globals.js';
import { installParserPatches } from './parser-patches.js';
import { preprocessSource } from './preprocess.js';
import { installRuntimePatches } from './runtime-patches.js';
import { installTests } from './tests.js';

/**
 * Jinja2 compatibility layer over nunjucks 3.2.4 (dbt configuration: autoescape off, no
 * trim_blocks). Templates must go through `preprocessJinja` before nunjucks compiles them.
 */

const INSTALLED = Symbol.for('tsdbt.jinjaCompat.installed');

/** Patches nunjucks internals once per process (the marker lives on the shared nunjucks module). */
function installOnce(): void {
  const target = nunjucks.runtime as unknown as Record<symbol, boolean>;
  if (target[INSTALLED]) return;
  target[INSTALLED] = true;
  nunjucks.installJinjaCompat(); // True/False/None lookups and slice parsing
  installRuntimePatches();
  installCompilerPatches();
  installParserPatches();
}

/** The one place that creates nunjucks environments: autoescape off and Jinja2 compatibility. */
export function createJinjaEnvironment(): nunjucks.Environment {
  installOnce();
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false });
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
