// A real tsdbt process for the fault harness's `kill` mode: runs a command over the built core and
// SIGKILLs itself right after its k-th statement is acknowledged (no clean-up, no second half).
import { TsdbtProject } from '../../packages/core/dist/index.js';

const [projectDir, command, kText, fullRefresh, select] = process.argv.slice(2);
const k = Number(kText);
const project = TsdbtProject.open({ projectDir });
const client = (await project.adapter(1)).client;
let n = 0;
// The statements that write (as harness.ts counts them): the harness kills after each of these, in this process's own numbering.
const writes = [];
const reads = (sql) => typeof sql === 'string' && /^\s*(\(\s*)*(select|describe|desc|show|exists|with)\b/i.test(sql.replace(/^\s*\/\*[\s\S]*?\*\//, ''));
// Killed once statement k is answered, done or refused (k = 0: never, a run that counts).
const after = (i) => i === k && process.kill(process.pid, 'SIGKILL');
for (const method of ['command', 'query', 'insertStream']) {
  const original = client[method].bind(client);
  client[method] = async (...args) => {
    const i = ++n;
    if (method === 'insertStream' || !reads(args[0])) writes.push(i);
    try {
      return await original(...args);
    } finally {
      after(i);
    }
  };
}
const querySync = client.querySync.bind(client);
client.querySync = (...args) => {
  const i = ++n;
  if (!reads(args[0])) writes.push(i);
  try {
    return querySync(...args);
  } finally {
    after(i);
  }
};
const options = { threads: 1, fullRefresh: fullRefresh === '1', select: select ? select.split(',') : undefined };
const result =
  command === 'run' ? await project.run(options)
  : command === 'seed' ? await project.seed(options)
  : command === 'build' ? await project.build(options)
  : await project.sourceLoad(options);
await project.close();
// Fewer than k statements: the run went to its end.
process.stdout.write(`completed: ${result.success}\n${n} statements\nwrites: ${writes.join(',')}\n`);
