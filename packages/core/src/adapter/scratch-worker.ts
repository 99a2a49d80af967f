/**
 * The program of the scratch warehouse's child process (see scratch-warehouse.ts), as a string so it
 * runs from the sources as from the build (`node -e`). It opens chDB on `<root>/data`, answers
 * newline-delimited JSON requests on a local socket, and removes `<root>` when its parent goes away
 * (stdin closes) or asks it to stop.
 *
 * Request:  {"id": 1, "statements": ["SET …", "EXPLAIN …"], "format": "JSONCompact"}
 * Reply:    {"id": 1, "results": [{"ok": true, "text": "…"}, {"ok": false, "message": "…", "code": 47}]}
 * Statements of one request run in order on one session; the first failure ends the request.
 * Requests run side by side on several sessions (argv: sessions). {"id": 2, "settings": {"k": "literal"}}
 * SETs settings on every session.
 */
export const SCRATCH_WORKER_JS = String.raw`
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const [chdbPath, root, socketPath, settingsJson, sessionsArg] = process.argv.slice(1);
const dir = require('node:path').join(root, 'data');
let server;
let stopped = false;
const sessions = [];
function stop(code) {
  if (stopped) return;
  stopped = true;
  try { server && server.close(); } catch {}
  for (const c of sessions) { try { c.s.close(); } catch {} }
  try { fs.rmSync(root, { recursive: true, force: true }); } catch {}
  process.exit(code);
}
process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => {});
// Several sessions on the one data directory run statements side by side (one per core); a request
// (one node's statements) runs on one of them in order. The parent sends a node only once its
// parents are done, so requests in flight never depend on each other.
const sessionCount = Math.max(1, Number(sessionsArg) || 1);
try {
  const { Session } = require(chdbPath);
  for (let i = 0; i < sessionCount; i++) sessions.push({ s: new Session(dir), busy: 0 });
  configure(JSON.parse(settingsJson || '{}'));
  // Databases live in memory only: no metadata files to write (slow on a disk that just freed many inodes).
  try { sessions[0].s.query('DROP DATABASE IF EXISTS default', 'TabSeparated'); sessions[0].s.query('CREATE DATABASE default ENGINE = Memory', 'TabSeparated'); } catch {}
} catch (e) {
  process.stderr.write(String(e && e.message || e) + '\n');
  stop(3);
}
// Settings this engine does not know (a profile written for another server) are left out, one by one.
function configure(settings) {
  for (const c of sessions)
    for (const k of Object.keys(settings)) {
      try { c.s.query('SET ' + k + ' = ' + settings[k], 'TabSeparated'); } catch {}
    }
}
async function answer(req) {
  let slot = sessions[0];
  for (const c of sessions) if (c.busy < slot.busy) slot = c;
  slot.busy++;
  const results = [];
  try {
    for (const sql of req.statements) {
      try {
        const r = await slot.s.queryAsync(sql, { format: req.format || 'JSONCompact' });
        results.push({ ok: true, text: r.text() });
      } catch (e) {
        results.push({ ok: false, message: String(e && e.message || e), code: e && (e.clickhouseCode ?? e.code) });
        break;
      }
    }
  } finally {
    slot.busy--;
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
      if (req.settings) { configure(req.settings); conn.write(JSON.stringify({ id: req.id, results: [] }) + '\n'); continue; }
      answer(req).then((reply) => { if (!conn.destroyed) conn.write(JSON.stringify(reply) + '\n'); });
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
