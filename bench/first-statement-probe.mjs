// Preloaded by bench/first-statement.mjs (`node --import`): prints how long after the process
// started (performance.now() counts from there) the first statement went to the warehouse — the
// first query/command/exec/insert of @clickhouse/client (chDB and servers alike) or of a chDB
// session — then, with TSDBT_PROBE_EXIT=1, ends the process (the rest of the run is not measured).
// Until session 5 it loaded @clickhouse/client itself, before the CLI (so its loading was counted
// even by builds that load it later or not at all).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/core/package.json', import.meta.url));
let seen = false;
const first = () => {
  if (seen) return;
  seen = true;
  const cpu = process.cpuUsage();
  // Wall from the process start, and the process's CPU until then (all threads; holds better than wall under load),
  // and the main thread's own CPU (Linux: its schedstat, ns on a CPU): what a quiet machine's wall is made of when
  // other threads (chDB opened ahead) run beside it.
  let main = '';
  try {
    main = ` MAIN_CPU_MS ${(Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6).toFixed(1)}`;
  } catch {
    // not Linux
  }
  process.stderr.write(`TSDBT_FIRST_STATEMENT_MS ${performance.now().toFixed(1)} CPU_MS ${((cpu.user + cpu.system) / 1000).toFixed(1)}${main}\n`);
  if (process.env.TSDBT_PROBE_EXIT === '1') process.exit(0);
};
const wrap = (proto, names) => {
  for (const name of names) {
    const original = proto[name];
    proto[name] = function (...args) {
      first();
      return original.apply(this, args);
    };
  }
};
// Patched when loaded (the client is loaded when the run opens the warehouse; preloading it here
// would count its loading in every figure): the installed package, or tsdbt's bundled copy of it
// (dist/warehouse-client-lib.cjs), and chDB's session class.
const Module = require('node:module');
const load = Module._load;
const patchClient = (client) => {
  if (!client?.ClickHouseClient || client.ClickHouseClient.prototype.__probed) return;
  wrap(Object.getPrototypeOf(client.ClickHouseClient.prototype), ['query', 'command', 'exec', 'insert']);
  wrap(client.ClickHouseClient.prototype, ['query']);
  client.ClickHouseClient.prototype.__probed = true;
};
Module._load = function (request, ...rest) {
  const m = load.call(this, request, ...rest);
  if (request === '@clickhouse/client' || /@clickhouse[\\/]client[\\/]dist[\\/]index\.js$|warehouse-client-lib\.cjs$/.test(request)) patchClient(m);
  if (request === 'chdb' || /chdb[\\/]index\.js$/.test(request)) {
    if (m?.Session && !m.Session.prototype.__probed) {
      wrap(m.Session.prototype, ['query', 'queryBind', 'queryAsync', 'insert']);
      m.Session.prototype.__probed = true;
    }
  }
  return m;
};
