// Preloaded by bench/resident.mjs (`node --import`) into a `tsdbt run` and into a `tsdbt daemon`: prints the
// wall-clock time (ms since the epoch) at which the first statement of a command went to the warehouse —
// @clickhouse/client's query/command/exec/insert or a chDB session's — as `TSDBT_FIRST_AT <ms>` on stderr.
// In a daemon each command is armed anew when it starts (it changes into the client's folder: process.chdir).
// With TSDBT_PROBE_EXIT=1 the process ends there (an in-process run is not measured further).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/core/package.json', import.meta.url));
let armed = true;
const chdir = process.chdir;
process.chdir = function (dir) {
  armed = true;
  return chdir.call(this, dir);
};
const first = () => {
  if (!armed) return;
  armed = false;
  process.stderr.write(`TSDBT_FIRST_AT ${(performance.timeOrigin + performance.now()).toFixed(1)}\n`);
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
const patchClient = (client) => {
  if (!client?.ClickHouseClient || client.ClickHouseClient.prototype.__probed) return;
  wrap(Object.getPrototypeOf(client.ClickHouseClient.prototype), ['query', 'command', 'exec', 'insert']);
  wrap(client.ClickHouseClient.prototype, ['query']);
  client.ClickHouseClient.prototype.__probed = true;
};
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  const m = load.call(this, request, ...rest);
  if (request === '@clickhouse/client' || /@clickhouse[\\/]client[\\/]dist[\\/]index\.js$|warehouse-client-lib\.cjs$/.test(request)) patchClient(m);
  if ((request === 'chdb' || /chdb[\\/]index\.js$/.test(request)) && m?.Session && !m.Session.prototype.__probed) {
    // The daemon's own engine (serve/engine.ts) queries through sessions too, but only when another process asks it.
    wrap(m.Session.prototype, ['query', 'queryBind', 'queryAsync', 'insert']);
    m.Session.prototype.__probed = true;
  }
  return m;
};
