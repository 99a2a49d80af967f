import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type nunjucks from 'nunjucks';
import { createJinjaEnvironment, preprocessJinja } from '../../../packages/core/src/render/jinja-compat/index.js';
import { pythonModules } from '../../../packages/core/src/render/modules/index.js';

// Snippets rendered by real Jinja2 (fixtures/render-jinja2.py) and stored with their output.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const expected: { name: string; src: string; expected?: string; error?: string }[] = JSON.parse(
  readFileSync(join(FIXTURES, 'jinja2-expected.json'), 'utf8'),
);
export const data: { context: Record<string, unknown>; templates: Record<string, string> } = JSON.parse(
  readFileSync(join(FIXTURES, 'jinja2-context.json'), 'utf8'),
);

type Kw = Record<string, unknown> & { __keywords?: true };
const isKw = (v: unknown): v is Kw => typeof v === 'object' && v !== null && (v as Kw).__keywords === true;

/** Python's repr for the kw_echo global (the same in render-jinja2.py). */
function repr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${repr(x)}`).join(', ')}}`;
  return String(v);
}

/** A loader that preprocesses, as the project's loader does. */
class DictLoader {
  cache: Record<string, unknown> = {};
  constructor(private readonly templates: Record<string, string>) {}
  getSource(name: string) {
    const src = this.templates[name];
    return src === undefined ? null : { src: preprocessJinja(src, name), path: name, noCache: true };
  }
}

export function makeEnv(): nunjucks.Environment {
  const env = createJinjaEnvironment();
  (env as unknown as { loaders: unknown[] }).loaders.push(new DictLoader(data.templates));
  // JS globals receive keyword arguments as a trailing object flagged __keywords.
  env.addGlobal('kw_echo', (...args: unknown[]) => {
    const kw = isKw(args[args.length - 1]) ? (args.pop() as Kw) : {};
    const { __keywords: _k, ...rest } = kw;
    const sorted = Object.fromEntries(Object.keys(rest).sort().map((k) => [k, rest[k]]));
    return `${repr(args)} ${repr(sorted)}`;
  });
  env.addGlobal('modules', pythonModules);
  env.addGlobal('dispatch', function (this: { lookup(n: string): unknown }, name: string) {
    for (const prefix of ['clickhouse__', 'default__']) {
      const macro = this.lookup(prefix + name);
      if (macro) return macro;
    }
    throw new Error(`no implementation for ${name}`);
  });
  return env;
}

