// The reference pipeline end to end on the embedded engine, through the library API:
// generate synthetic Instacart data in-engine, build every model and test, then run the
// guide's verification queries and print their results.
import { TsdbtProject } from '@tsdbt/core';
import { VERIFICATION_QUERIES } from './verification-queries.mjs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scale = Number(process.env.INSTACART_SCALE ?? 0.1);
const seed = Number(process.env.INSTACART_SEED ?? 42);

const line = (s = '') => process.stdout.write(s + '\n');
const onEvent = (e) => {
  if (e.type === 'node_finished') {
    const r = e.result;
    line(`  ${String(e.index).padStart(3)}/${e.total} ${r.status.toUpperCase().padEnd(7)} ${r.node.resourceType.padEnd(5)} ${r.node.name} (${r.message.split('\n')[0].slice(0, 90)}, ${r.executionTime.toFixed(2)}s)`);
  } else if (e.type === 'warning') line(`  [WARNING] ${e.message}`);
  else if (e.type === 'log' && e.level === 'info') line(`  ${e.message}`);
};

const project = TsdbtProject.open({ projectDir: root, onEvent });
try {
  let t = Date.now();
  line(`== Generating synthetic Instacart data (scale ${scale}, seed ${seed}) into ${project.target.path}`);
  await project.runOperation('generate_instacart', { scale, seed });
  line(`   done in ${((Date.now() - t) / 1000).toFixed(1)}s`);

  t = Date.now();
  line('== tsdbt build (16 models + all tests)');
  const result = await project.build();
  const count = (s) => result.results.filter((r) => r.status === s).length;
  line(`   Done in ${((Date.now() - t) / 1000).toFixed(1)}s. PASS=${count('success') + count('pass')} WARN=${count('warn')} ERROR=${count('error') + count('fail')} SKIP=${count('skipped')} TOTAL=${result.results.length}`);

  line('== The guide\'s verification queries');
  for (const [title, sql] of VERIFICATION_QUERIES) {
    line(`-- ${title}`);
    line(sql.trim());
    const rows = await project.show({ inline: sql, limit: -1 });
    console.table(rows);
  }
  process.exitCode = result.success ? 0 : 1;
} finally {
  await project.close();
}
