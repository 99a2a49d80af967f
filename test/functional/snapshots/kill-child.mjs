// A tsdbt process for snapshot-kill.test.ts. Runs `phases` in order on a project: `sql` statements,
// a `snapshot` run at a fixed time (optionally SIGKILLing itself right after the k-th statement that
// writes: that statement done, nothing after it sent; reads change nothing a kill could leave), a `dump` of the snapshot's rows and the
// schema's tables (one JSON line on stdout). Built code (packages/core/dist).
import { TsdbtProject } from '../../../packages/core/dist/index.js';

const job = JSON.parse(process.argv[2]);
const project = TsdbtProject.open({ projectDir: job.projectDir });
const client = (await project.adapter()).client;

let time = '';
let counting;
const query = client.query.bind(client);
client.query = async (sql, ...rest) => {
  if (/^SELECT toString\(now64\(6\)\) AS t$/.test(sql)) return [{ t: time }];
  return query(sql, ...rest);
};
const command = client.command.bind(client);
client.command = async (sql, ...rest) => {
  await command(sql, ...rest);
  // CREATE DATABASE IF NOT EXISTS is sent once per process: not counted, so kill points match across processes.
  if (!counting || /^CREATE DATABASE IF NOT EXISTS/.test(sql)) return;
  counting.writes.push(++counting.count);
  if (counting.count === counting.killAfter) process.kill(process.pid, 'SIGKILL');
};

const say = (value) => process.stdout.write(JSON.stringify(value) + '\n');
for (const phase of job.phases) {
  if (phase.kind === 'sql') for (const sql of phase.sql) await command(sql, { settings: { mutations_sync: 2 } });
  else if (phase.kind === 'snapshot') {
    time = phase.time;
    counting = { count: 0, writes: [], killAfter: phase.killAfter };
    const result = await project.snapshot();
    say({ status: result.results.map((r) => `${r.status}: ${r.message}`).join(), writes: counting.writes });
    counting = undefined;
  } else if (phase.kind === 'dump') {
    const history = (await query(`SELECT * FROM ${job.schema}.snap ORDER BY id, dbt_valid_from, dbt_scd_id`)).map((r) => JSON.stringify(r));
    const tables = (await query(`SELECT name FROM system.tables WHERE database = '${job.schema}' ORDER BY name`)).map((r) => r.name);
    say({ history, tables });
  }
}
await project.close();
