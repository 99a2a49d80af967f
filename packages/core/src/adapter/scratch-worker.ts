/**
 * The program of the scratch warehouse's child process (see scratch-warehouse.ts), as a string so it
 * runs from the sources as from the build (`node -e`). It opens chDB on its own temporary data
 * directory, answers newline-delimited JSON requests on a local socket, and removes the directory
 * when its parent goes away (stdin closes) or asks it to stop.
 *
 * Request:  {"id": 1, "statements": ["SET …", "EXPLAIN …"], "format": "JSONCompact"}
 * Reply:    {"id": 1, "results": [{"ok": true, "text": "…"}, {"ok": false, "message": "…", "code": 47}]}
 * Statements of one request run in order on one session; the first failure ends the request.
 */
export const SCRATCH_WORKER_JS = String.raw`
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const [chdbPath, dir, socketPath, settingsJson] = process.argv.slice(1);
let session;
let server;
let stopped = false;
function stop(code) {
  if (stopped) return;
  stopped = true;
  try { server && server.close(); } catch {}
  try { session && session.close(); } catch {}
  try { fs.rmSync(dir, { recursive: true, force: true }); } catch {}
  process.exit(code);
}
process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => {});
try {
  const { Session } = require(chdbPath);
  session = new Session(dir);
  // Settings this engine does not know (a profile written for another server) are left out, one by one.
  const settings = JSON.parse(settingsJson || '{}');
  for (const k of Object.keys(settings)) {
    try { session.query('SET ' + k + ' = ' + settings[k], 'TabSeparated'); } catch {}
  }
} catch (e) {
  process.stderr.write(String(e && e.message || e) + '\n');
  stop(3);
}
// One session serves requests in arrival order: DDL of a model must precede its children's queries.
let chain = Promise.resolve();
async function answer(req) {
  const results = [];
  for (const sql of req.statements) {
    try {
      const r = await session.queryAsync(sql, { format: req.format || 'JSONCompact' });
      results.push({ ok: true, text: r.text() });
    } catch (e) {
      results.push({ ok: false, message: String(e && e.message || e), code: e && (e.clickhouseCode ?? e.code) });
      break;
    }
  }
  return { id: req.id, results };
}
server = net.createServer((conn) => {
  let buffer = '';
  conn.setEncoding('utf8');
  conn.on('error', () => {});
  conn.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let req;
      try { req = JSON.parse(line); } catch { continue; }
      if (req.stop) { conn.end(); stop(0); return; }
      chain = chain.then(() => answer(req)).then((reply) => { if (!conn.destroyed) conn.write(JSON.stringify(reply) + '\n'); });
    }
  });
});
server.on('error', (e) => { process.stderr.write(String(e.message) + '\n'); stop(4); });
server.listen(socketPath, () => process.stdout.write('ready\n'));
`;

/**
 * A blocking client for one request (nunjucks renders synchronously, and a template's run_query()
 * must be answered on the spot): connects, sends stdin as one request, prints the reply.
 */
export const SCRATCH_SYNC_CLIENT_JS = String.raw`
'use strict';
const net = require('node:net');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const conn = net.connect(process.argv[1]);
  let buffer = '';
  conn.setEncoding('utf8');
  conn.on('connect', () => conn.write(Buffer.concat(chunks).toString() + '\n'));
  conn.on('data', (d) => {
    buffer += d;
    const nl = buffer.indexOf('\n');
    if (nl >= 0) { process.stdout.write(buffer.slice(0, nl)); conn.end(); }
  });
  conn.on('error', (e) => { process.stderr.write(String(e.message)); process.exit(2); });
});
`;
