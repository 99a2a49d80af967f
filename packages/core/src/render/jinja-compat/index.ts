import nunjucks from 'nunjucks';

/**
 * The one place that creates nunjucks environments: autoescape off and Jinja2 compatibility.
 * (Initial version; the full compatibility layer lives in this folder.)
 */
export function createJinjaEnvironment(): nunjucks.Environment {
  nunjucks.installJinjaCompat();
  return new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false });
}

/** Source-level rewrites applied before nunjucks parses a file (Jinja2 syntax nunjucks lacks). */
export function preprocessJinja(source: string, _file: string): string {
  return source;
}
