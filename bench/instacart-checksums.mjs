// Checksums of every table of the Instacart reference project (the raw inputs and every model's table), to prove that
// a performance change left every row as it was.
//
// Per table: the row count and the sum of a 64-bit hash of each row (order-independent; wraps modulo 2^64), over
// every column but the two that hold the build's own time (CURRENT_TIMESTAMP()). Values are hashed as their plain
// type: a LowCardinality(String) column hashes like the String it holds, so a storage-only type change keeps the
// checksum; the column types are reported beside it (`types`, LowCardinality shown) so such a change stays visible.
//
// Library: `tableChecksums(query)` with `query(sql) => Promise<rows>` (bench/instacart-build.mjs calls it in its build
// process). Command line (a warehouse no other process has open):
//   node bench/instacart-checksums.mjs --warehouse DIR [--save FILE] [--compare FILE]
import { readFileSync, writeFileSync } from 'node:fs';

/** Columns whose value is the time of the build (differs on every build by design). */
export const VOLATILE_COLUMNS = {
  'mart.g2_v2_business_kpi_dashboard': ['dashboard_updated_at'],
  'mart.g2_v2_dq_monitoring_dashboard': ['check_timestamp'],
};

const SCHEMAS = ['raw', 'clean', 'mart'];
const ident = (s) => '`' + s.replace(/`/g, '``') + '`';

/** `type` without LowCardinality(…): the type whose values the column holds. */
const plainType = (type) => type.replace(/LowCardinality\((.*)\)$/, '$1');

export async function tableChecksums(query) {
  const columns = await query(
    `SELECT database, table, name, type FROM system.columns WHERE database IN (${SCHEMAS.map((s) => `'${s}'`).join(', ')})
       AND table NOT LIKE '%tsdbt%' AND table NOT LIKE '\\_gen%' ORDER BY database, table, position`,
  );
  const tables = new Map();
  for (const c of columns) {
    const key = `${c.database}.${c.table}`;
    if (!tables.has(key)) tables.set(key, []);
    tables.get(key).push(c);
  }
  const result = {};
  for (const [key, cols] of tables) {
    const kept = cols.filter((c) => !(VOLATILE_COLUMNS[key] ?? []).includes(c.name));
    const values = kept.map((c) => (plainType(c.type) === c.type ? ident(c.name) : `CAST(${ident(c.name)} AS ${plainType(c.type)})`));
    const [row] = await query(`SELECT count() AS n, toString(sum(cityHash64(${values.join(', ')}))) AS h FROM ${key.split('.').map(ident).join('.')}`);
    result[key] = { rows: Number(row.n), hash: row.h, types: cols.map((c) => `${c.name} ${c.type}`).join(', ') };
  }
  return result;
}

/** Tables whose rows differ between two checksum sets (or exist in only one); [] = every table identical. */
export function compareChecksums(expected, actual) {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((n) => expected[n]?.rows !== actual[n]?.rows || expected[n]?.hash !== actual[n]?.hash)
    .map((n) => `${n}: expected ${expected[n] ? `${expected[n].rows} rows, hash ${expected[n].hash}` : 'no table'}, got ${actual[n] ? `${actual[n].rows} rows, hash ${actual[n].hash}` : 'no table'}`);
}

/** Columns whose type changed (LowCardinality included), per table: informational. */
export function typeChanges(expected, actual) {
  const changes = [];
  for (const n of Object.keys(actual)) {
    if (!expected[n] || expected[n].types === actual[n].types) continue;
    const before = new Set(expected[n].types.split(', '));
    const changed = actual[n].types.split(', ').filter((c) => !before.has(c));
    changes.push(`${n}: ${changed.join(', ') || actual[n].types}`);
  }
  return changes;
}

async function main() {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const warehouse = arg('warehouse');
  if (!warehouse) throw new Error('usage: node bench/instacart-checksums.mjs --warehouse DIR [--save FILE] [--compare FILE]');
  const { Session } = await import('chdb');
  const session = new Session(warehouse);
  try {
    const sums = await tableChecksums(async (sql) => (await session.queryAsync(sql, { format: 'JSON' })).json().data);
    if (arg('save')) writeFileSync(arg('save'), JSON.stringify(sums, null, 1) + '\n');
    const compareWith = arg('compare');
    if (compareWith) {
      const expected = JSON.parse(readFileSync(compareWith, 'utf8'));
      const diff = compareChecksums(expected, sums);
      console.log(`checksums equal: ${diff.length === 0 ? 'yes' : 'NO'} (${Object.keys(sums).length} tables)`);
      for (const d of diff) console.log(`  differs: ${d}`);
      for (const t of typeChanges(expected, sums)) console.log(`  type change (same values): ${t}`);
      if (diff.length) process.exitCode = 1;
    } else {
      for (const [n, s] of Object.entries(sums)) console.log(`${n}\t${s.rows}\t${s.hash}`);
    }
  } finally {
    session.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
