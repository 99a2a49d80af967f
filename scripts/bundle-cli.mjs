// Bundles the command line (packages/cli/dist/main.js) with @tsdbt/core's compiled modules into one
// CommonJS file, packages/cli/dist/cli-bundle.cjs, which cli.ts runs through V8's code cache
// (packages/cli/src/code-cache.ts): Node 20 can hand V8 cached bytecode only for a vm.Script, not for
// an ES module, and compiling tsdbt's ~2 MB of JavaScript was a large part of every command's start
// (BENCHMARKS.md, issue 17). Run by `npm run build` after scripts/bundle-core.mjs.
// - `import.meta.url` of each module becomes that module's own file's URL, from the dist/ folder the
//   loader passes in (__tsdbtCoreDist, __tsdbtCliDist), so files located beside a module (macros/,
//   package.json, worker scripts) are found as before, wherever npm installed the two packages.
// - The packages core keeps out of its own bundle stay out (native parts or loaded lazily), but for
//   nunjucks, which comes in whole (with the one file of it tsdbt imports by path: still one copy);
//   `require` resolves the rest from core's dist/ (cli.ts), as core's own imports do.
// - import() of those packages becomes require(): a vm.Script has no module loader of its own.
// - The output is ASCII (latin1 is then its exact decoding, and V8 keeps it one byte per character):
//   esbuild escapes non-ASCII in code; what is left sits in comments and is escaped there.
// - The output is written inside the function cli.ts runs it in (code-cache.ts wrapperHead), so it is no plain
//   CommonJS file any more: only loadWithCodeCache runs it.
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const coreDist = fileURLToPath(new URL('../packages/core/dist/', import.meta.url));
const cliDist = fileURLToPath(new URL('../packages/cli/dist/', import.meta.url));
const outfile = `${cliDist}cli-bundle.cjs`;
const external = ['chdb', '@clickhouse/client', 'chokidar', 'tar', 'daff'].flatMap((p) => [p, `${p}/*`]);

const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    // The compiled modules, not core's ESM bundle (whose import.meta.url rewrites point at core's dist/ by another route).
    b.onResolve({ filter: /^@tsdbt\/core$/ }, () => ({ path: `${coreDist}index.js` }));
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      for (const [dist, base] of [[coreDist, '__tsdbtCoreDist'], [cliDist, '__tsdbtCliDist']]) {
        if (!args.path.startsWith(dist) || !contents.includes('import.meta.url')) continue;
        const rel = relative(dist, args.path).split('\\').join('/');
        contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${rel}`)}, ${base}).href`);
      }
      return { contents, loader: 'js' };
    });
  },
};

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // No esbuild (run npm ci): cli.ts imports the modules themselves.
  console.warn('esbuild is not installed (run npm ci): no packages/cli/dist/cli-bundle.cjs, the CLI loads its modules unbundled');
  process.exit(0);
}

await build({
  entryPoints: [`${cliDist}main.js`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  charset: 'ascii',
  supported: { 'dynamic-import': false },
  external,
  plugins: [ownUrl],
  logLevel: 'warning',
});
const text = await readFile(outfile, 'utf8');
// Written in the function cli.ts runs it in (the globals it passes): V8 then compiles the file's text as read, not a
// copy of it joined to the wrapper (packages/cli/src/code-cache.ts).
const { WRAPPER_TAIL, wrapperHead } = await import(new URL('../packages/cli/dist/code-cache.js', import.meta.url).href);
const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
await writeFile(outfile, `${wrapperHead(['__tsdbtCoreDist', '__tsdbtCliDist'])}${ascii}${WRAPPER_TAIL}`);
