// Bundles @tsdbt/core's compiled modules (packages/core/dist, ~270 files) into one file,
// dist/tsdbt-core.js, the package's entry: Node then loads one module instead of hundreds (most of
// a command's start-up was the module loader's; BENCHMARKS.md, issue 17). The modules stay in
// dist/ beside it (type declarations, worker threads, tests of the built CLI). Run by `npm run build`.
// Kept out of the bundle: packages with native parts or loaded lazily (chdb, @clickhouse/client,
// chokidar, tar, daff) and nunjucks (render/jinja-compat requires one of its files by path: there
// must be one copy). `import.meta.url` of each module is rewritten to that module's own file, so
// the files it locates beside itself (macros/, package.json, worker scripts) are found as before.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const core = fileURLToPath(new URL('../packages/core/', import.meta.url));
const dist = `${core}dist/`;
const outfile = `${dist}tsdbt-core.js`;
const external = ['nunjucks', 'chdb', '@clickhouse/client', 'chokidar', 'tar', 'daff'].flatMap((p) => [p, `${p}/*`]);

const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      if (args.path.startsWith(dist) && contents.includes('import.meta.url')) {
        const rel = relative(dirname(outfile), args.path).split('\\').join('/');
        contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${rel}`)}, import.meta.url).href`);
      }
      return { contents, loader: 'js' };
    });
  },
};

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // A checkout whose node_modules predate esbuild (run `npm ci`): the entry re-exports the modules.
  console.warn('esbuild is not installed (run npm ci): dist/tsdbt-core.js re-exports dist/index.js, unbundled');
  await writeFile(outfile, "export * from './index.js';\n");
  process.exit(0);
}

await build({
  entryPoints: [`${dist}index.js`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  plugins: [ownUrl],
  // Bundled CommonJS packages (yaml, graphology…) call require() for Node's own modules.
  banner: { js: "import { createRequire as __tsdbtCreateRequire } from 'node:module';\nconst require = __tsdbtCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The warehouse libraries, loaded when a connection opens (adapter/warehouse-client.ts): each one
// file instead of ~40 (@clickhouse/client) and ~30 (chdb/connection and the @clickhouse/client-common
// it requires) for Node's module loader — part of every run's time to its first statement. Two
// files: a server target must not load chDB's native library. chDB's root module (its native
// library, its session registry) stays the installed package, shared with serve/engine.ts.
const chdbRoot = {
  name: 'chdb-root-external',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/\.\.\/index\.js$/ }, (args) => (/[\\/]chdb[\\/]dist[\\/]connection[\\/]/.test(args.importer) ? { path: 'chdb', external: true } : undefined));
    b.onResolve({ filter: /^chdb$/ }, () => ({ path: 'chdb', external: true }));
  },
};
for (const [file, contents] of [
  ['warehouse-client-lib.cjs', "module.exports = require('@clickhouse/client');\n"],
  ['warehouse-chdb-lib.cjs', "module.exports = require('chdb/connection');\n"],
])
  await build({
    stdin: { contents, resolveDir: core, loader: 'js', sourcefile: file },
    outfile: `${dist}${file}`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [chdbRoot],
    logLevel: 'warning',
  });
