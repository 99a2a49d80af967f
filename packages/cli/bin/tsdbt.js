#!/usr/bin/env node
// The command's entry point. It is kept in git (dist/ is not) so that `npm ci` links it into
// node_modules/.bin before the `prepare` step has built dist/: npm skips a bin whose file is missing.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('tsdbt is not built yet: run `npm run build` at the repository root (npm ci does it).');
  process.exit(2);
}
await import(cli.href);
