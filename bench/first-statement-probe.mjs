// Preloaded by bench/first-statement.mjs (`node --import`): prints how long after the process
// started (performance.now() counts from there) the first statement went to the warehouse — the
// first query/command/exec/insert of @clickhouse/client (chDB and servers alike) or of a chDB
// session — then, with TSDBT_PROBE_EXIT=1, ends the process (the rest of the run is not measured).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/core/package.json', import.meta.url));
let seen = false;
const first = () => {
  if (seen) return;
  seen = true;
  process.stderr.write(`TSDBT_FIRST_STATEMENT_MS ${performance.now().toFixed(1)}\n`);
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
const client = require('@clickhouse/client');
wrap(Object.getPrototypeOf(client.ClickHouseClient.prototype), ['query', 'command', 'exec', 'insert']);
wrap(client.ClickHouseClient.prototype, ['query']);
// chDB is loaded only when the run opens it: patch its session class then, not now.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  const m = load.call(this, request, ...rest);
  if (request === 'chdb' || /chdb[\\/]index\.js$/.test(request)) {
    if (m?.Session && !m.Session.prototype.__probed) {
      wrap(m.Session.prototype, ['query', 'queryBind', 'queryAsync', 'insert']);
      m.Session.prototype.__probed = true;
    }
  }
  return m;
};
