// The reference pipeline end to end on the embedded engine, through the library API:
// generate synthetic Instacart data in-engine, build every model and test, then run the
// guide's verification queries and print their results. Everything is printed through the
// CLI's console printer (the lines `tsdbt build` prints) and its result tables.
//
// The embedded warehouse (chDB) starts loading on another thread first, as the CLI does (adapter/chdb-ahead.ts): its
// library load and, when the warehouse exists, its open run beside the loading of tsdbt's modules and of the project
// instead of after them (TsdbtProject.open sends the target's path to that thread). So tsdbt is imported after it.
import { startChdbAhead } from '@tsdbt/core/chdb-ahead';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

startChdbAhead({ load: true });
const { TsdbtProject } = await import('@tsdbt/core');
const { createPrinter, formatTable } = await import('@tsdbt/cli/printer');
const { VERIFICATION_QUERIES } = await import('./verification-queries.mjs');

// The repository root's project, unless dbt's DBT_PROJECT_DIR / DBT_PROFILES_DIR say otherwise (as for the CLI).
const root = process.env.DBT_PROJECT_DIR || join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const profilesDir = process.env.DBT_PROFILES_DIR || undefined;
const scale = Number(process.env.INSTACART_SCALE ?? 0.1);
const seed = Number(process.env.INSTACART_SEED ?? 42);

const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const print = createPrinter({ color, json: false, write: (line) => process.stdout.write(line + '\n') });
const info = (message) => print({ type: 'log', level: 'info', message });
const raw = (text) => process.stdout.write(text + '\n');
const bold = (s) => (color ? `\u001b[1m${s}\u001b[22m` : s);

const project = TsdbtProject.open({ projectDir: root, profilesDir, onEvent: print });
try {
  let t = Date.now();
  info(bold(`Generating synthetic Instacart data (scale ${scale}, seed ${seed}) into ${project.target.path}`));
  await project.runOperation('generate_instacart', { scale, seed });
  info(`Generated in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  info('');

  t = Date.now();
  info(bold('tsdbt build: every model and test'));
  const result = await project.build();

  info('');
  info(bold("The guide's verification queries (examples/instacart/verification-queries.mjs)"));
  const width = process.stdout.columns || 120;
  for (const [title, sql] of VERIFICATION_QUERIES) {
    const rows = await project.show({ inline: sql, limit: -1 });
    raw('');
    raw(bold(title));
    raw(formatTable(rows, { width }));
  }
  process.exitCode = result.success ? 0 : 1;
} finally {
  await project.close();
}
