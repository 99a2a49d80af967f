import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keepWarmStarts, startServer, UsageError } from '@tsdbt/core';
import { startResident } from '../resident/daemon.js';
import { alive, cliVersion, readResidentInfo } from '../resident/resident-paths.js';
import { openProject, untilInterrupted, type GlobalFlags, type Io } from './common.js';

type DaemonFlags = GlobalFlags & { stop?: boolean };

/** The CLI bundle this build runs (cli.ts): its version is the resident process's. */
const BUNDLE = fileURLToPath(new URL('../cli-bundle.cjs', import.meta.url));

function projectDirOf(flags: GlobalFlags): string {
  const dir = resolve(flags.projectDir ?? '.');
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * `tsdbt daemon`: a resident process for the project, until interrupted — tsdbt's code loaded and the
 * embedded warehouse held open, so that the project's other tsdbt commands run there (resident/).
 * `--stop` ends the one running.
 */
export async function daemonCommand(flags: DaemonFlags, io: Io): Promise<number> {
  const projectDir = projectDirOf(flags);
  const running = readResidentInfo(projectDir);
  if (flags.stop) {
    if (!running || !alive(running.pid)) {
      io.out(`No resident process runs for ${projectDir}.`);
      return 0;
    }
    process.kill(running.pid, 'SIGTERM');
    for (let i = 0; i < 600 && alive(running.pid); i++) await new Promise((r) => setTimeout(r, 50));
    io.out(`Stopped the resident process ${running.pid} of ${projectDir}.`);
    return 0;
  }
  if (running && alive(running.pid)) throw new UsageError('daemon_running', `A resident process (pid ${running.pid}) already runs for ${projectDir}`, { hint: 'Stop it first: tsdbt daemon --stop.' });
  const version = cliVersion(BUNDLE);
  if (version === undefined) throw new UsageError('daemon_bundle', 'tsdbt daemon needs the built command line (packages/cli/dist/cli-bundle.cjs)', { hint: 'Build it: npm run build.' });
  // Each command's load of an unchanged project is the last one's, kept in memory (its inputs stat'ed again: load/warm-memory.ts) — this first load's too.
  keepWarmStarts(true);
  // The target's embedded warehouse is held open (and shared with other tsdbt processes, as `serve` does).
  const project = openProject(flags, io, {}, true);
  const target = project.target;
  const server = target.type === 'chdb' ? await startServer(project, { port: 0, host: '127.0.0.1', clients: false }) : undefined;
  await project.close();
  const resident = await startResident({ projectDir, version, heldPath: server?.path, log: flags.logFormat === 'json' ? undefined : io.out });
  const held = server ? ` with the embedded warehouse ${server.path} open` : '';
  if (flags.logFormat === 'json') io.out(JSON.stringify({ pid: process.pid, project: projectDir, warehouse: server?.path ?? null }));
  else io.out(`Resident process ${process.pid} for ${projectDir}${held}: tsdbt commands in this project run here. Ctrl-C (or tsdbt daemon --stop) to stop.`);
  await untilInterrupted(async () => {
    await resident.close();
    await server?.close();
  });
  return 0;
}
