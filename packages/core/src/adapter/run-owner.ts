import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who owns a temporary relation, and whether that owner is provably dead.
 *
 * A run id is `<random>_<machine>_<pid>_<start>`: `machine` names this machine's boot and PID
 * namespace (Linux: /proc/sys/kernel/random/boot_id and /proc/self/ns/pid), `start` is the
 * process's start time in clock ticks (/proc/self/stat). Another run on the same machine proves
 * the owner dead when that pid is gone or now belongs to a process started at another time;
 * within this process, a temporary is alive exactly while a build holds it (holdTemporary()).
 * Where the machine cannot be named (no /proc), the id is `<random>_x` and only the age rule of
 * temporaries.ts applies to it.
 */

const MACHINE = machineTag();
const START = processStart(process.pid);
/** Runs of this process that have not ended (their adapter is open). */
const liveRuns = new Set<string>();
/** Temporaries (`schema.name`) a build of this process is using right now, with how many builds hold each. */
const heldTemporaries = new Map<string, number>();

function machineTag(): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = readlinkSync('/proc/self/ns/pid');
    return createHash('sha1').update(`${boot}\0${pidNamespace}\0${hostname()}`).digest('hex').slice(0, 6);
  } catch {
    return undefined;
  }
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), undefined when there is no such process. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ? Number(fields[19]).toString(36) : undefined;
  } catch {
    return undefined;
  }
}

/** A new run id for this process (`random` keeps the ids of several runs of one process apart). */
export function newRunId(random: string): string {
  return runIdOf(process.pid, random);
}

/** The run id a run of process `pid` (on this machine) would have; `<random>_x` when the machine or the process cannot be named. */
export function runIdOf(pid: number, random: string): string {
  const r = random.replace(/[^0-9a-z]/gi, '').slice(0, 8).toLowerCase() || '0';
  const start = pid === process.pid ? START : processStart(pid);
  return MACHINE && start ? `${r}_${MACHINE}_${pid.toString(36)}_${start}` : `${r}_x`;
}

/** The run has started: its temporaries are alive until endRun(). */
export function beginRun(runId: string): void {
  liveRuns.add(runId);
}

export function endRun(runId: string): void {
  liveRuns.delete(runId);
}

/** A build of this process uses the temporary `key` (`schema.name`) from now until releaseTemporary(). */
export function holdTemporary(key: string): void {
  heldTemporaries.set(key, (heldTemporaries.get(key) ?? 0) + 1);
}

export function releaseTemporary(key: string): void {
  const n = (heldTemporaries.get(key) ?? 0) - 1;
  if (n > 0) heldTemporaries.set(key, n);
  else heldTemporaries.delete(key);
}

/**
 * What this process can prove about the temporary `key` (`schema.name`) made by run `runId`:
 * 'alive' (a build of this process holds it, or its run's process still runs on this machine),
 * 'dead' (a run of this process that no build of it holds — its build ended — or a run whose
 * process is gone), 'unknown' (another machine, or an id without one: temporaries.ts decides by age).
 */
export function temporaryLiveness(runId: string, key: string): 'alive' | 'dead' | 'unknown' {
  if (heldTemporaries.has(key)) return 'alive';
  if (liveRuns.has(runId)) return 'dead';
  const m = /^[0-9a-z]+_([0-9a-f]{6})_([0-9a-z]+)_([0-9a-z]+)$/.exec(runId);
  if (!m || !MACHINE || m[1] !== MACHINE) return 'unknown';
  const pid = parseInt(m[2]!, 36);
  if (pid === process.pid && m[3] === START) return 'dead'; // this process's, and no build holds it
  return processStart(pid) === m[3] ? 'alive' : 'dead';
}
