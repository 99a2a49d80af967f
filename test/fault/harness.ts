import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { TsdbtProject, type LoadedProject, type RunResult } from '../../packages/core/src/index.js';

/*
 * The fault-injection harness. For a case (a project, its state before, a change, the command that
 * brings the change in), it runs the command once uninterrupted and counts its statements (N); then,
 * for every k in 1..N, on a fresh copy of the old state:
 * - `fail`: the k-th statement fails (it never reaches the warehouse; the process goes on);
 * - `die`: the process dies right after the k-th statement is acknowledged (nothing after it reaches
 *   the warehouse: no clean-up, no second half), then a new process (a new run) takes over;
 * - `lost` (asked for): the k-th statement runs to its end but the caller gets an error (a dropped
 *   connection): a retry of what already wrote would count it twice.
 * After each (and a case's `probe`: source rows inserted after the command, which must reach the
 * targets through the views in place): every target holds exactly the old rows or exactly the new
 * ones (and the new ones when the run said success), or — a materialized view's build cut short while
 * switching its complete target in, or filling a first one on a server without EXCHANGE, or an append
 * and its views' targets cut short between their ALTERs — a marked state the next run finishes; then a clean rerun
 * converges to the uninterrupted result, with no relation left that is not a model, seed or source
 * (ClickHouse's `_tmp_replace_*` included).
 * Cases are data (cases.ts): a new materialization adds rows to the table.
 */

export type Command = 'run' | 'seed' | 'build' | 'source load';

/** Options of the faulted command. */
export interface RunOptions {
  readonly fullRefresh?: boolean;
  readonly select?: readonly string[];
}

export interface FaultCase {
  readonly name: string;
  /** Project files (models, seeds, YAML) before the change. */
  readonly files: Readonly<Record<string, string>>;
  /** Files written over `files` for the faulted command (the change a user makes). */
  readonly changedFiles?: Readonly<Record<string, string>>;
  /** SQL run before the first build (`$` = the schema): source tables and their rows. */
  readonly setup?: readonly string[];
  /** SQL run between the first build and the faulted one (`$` = the schema): new source rows. */
  readonly change?: readonly string[];
  /**
   * SQL run right after the command, faulted or not, before the targets are read (`$` = the schema):
   * new source rows, which must reach the targets through the objects in place (the old ones or the
   * new ones: a materialized view never stops answering).
   */
  readonly probe?: readonly string[];
  readonly command?: Command;
  /** Relations (in the schema) whose columns and rows must be exactly the old or the new ones. */
  readonly targets: readonly string[];
  /** Where the case runs (default: everywhere). */
  readonly on?: readonly Warehouse['kind'][];
  /** Command options of the faulted run (e.g. fullRefresh; select: the nodes it builds, the first build builds all). */
  readonly options?: RunOptions;
  /** Which statements a suite faults for this case (default every one; `writes` for long cases: see FaultHarness.run). */
  readonly ks?: 'all' | 'writes';
  /** Another writer beside the command (see Writer). */
  readonly writer?: Writer;
  /** Settings of the profile (e.g. a low max_query_size, so that statements naming each of a few hundred partitions pass it). */
  readonly settings?: Readonly<Record<string, number>>;
  /** A long case is run as this many tests, each faulting every `parts`-th statement (see FaultHarness.run `part`). */
  readonly parts?: number;
}

/**
 * Another writer beside the faulted command: right after the first statement `at` matches is answered (the statement
 * ran: not in `fail` mode at it), `sql` runs outside tsdbt (`$` = the schema, `{1}` = `at`'s first group that matched: e.g. the
 * name a swap left the old table under, which an INSERT that had bound it writes into). Its rows must then be in the
 * targets exactly once: the targets hold `asIf` applied to the old state (the same rows put into the old table) or the
 * new rows with them, or — a carry the process died in the middle of (its record left) — a state the next run finishes;
 * the clean rerun must give the uninterrupted run's rows, theirs included. A run the writer did not act in: the old
 * rows, or those of an uninterrupted run without the writer.
 */
export interface Writer {
  readonly at: RegExp;
  readonly sql: readonly string[];
  readonly asIf: readonly string[];
  /**
   * What the other writer does anyway after a run it did not act in (e.g. a replica's fetch held back until the run's
   * copy, which happens later if the run failed before it): the targets must then hold the old rows with `asIf`'s, and
   * the clean rerun gives the uninterrupted run's. (No run without the writer is made: its rows are always there.)
   */
  readonly late?: readonly string[];
}

/** Where the harness runs: the embedded engine, a server, a cluster. */
export interface Warehouse {
  readonly kind: 'embedded' | 'server' | 'cluster';
  /** profiles.yml for a project whose schema is `schema`. */
  profile(schema: string): string;
  /** A statement on the warehouse, outside tsdbt (answers JSONEachRow rows). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Drops a schema everywhere (every host of a cluster). */
  dropSchema(schema: string): Promise<void>;
  /** Where relations are listed (default system.tables; a cluster lists every host's). */
  readonly tables?: string;
  /** `CREATE DATABASE` suffix (` ON CLUSTER c` on a cluster). */
  readonly onCluster?: string;
}

export interface CaseCounts {
  readonly name: string;
  readonly statements: number;
  readonly runs: number;
  /** Faulted runs after which the targets held the old rows / the new rows. */
  readonly old: number;
  readonly new: number;
  /** Faulted runs cut short while a view's target was being switched in or first filled (finished by the next run). */
  readonly switching: number;
  readonly failedRuns: number;
  /** Which statements were faulted: all of them, or those that write (see FaultHarness.run). */
  readonly faulted: 'all' | 'writes';
  readonly modes: readonly Mode[];
}

type Snapshot = Record<string, string>;

/**
 * How a run is cut short at statement k: `fail` (the statement fails, the process goes on), `die`
 * (nothing after it reaches the warehouse, in this process), `kill` (a real tsdbt process SIGKILLed
 * right after it; servers only: the test process holds the embedded warehouse), `lost` (the statement
 * runs to its end but its answer is lost: the caller sees an error, as when a connection drops; any
 * retry of a statement that wrote would count rows twice).
 */
export type Mode = 'fail' | 'die' | 'kill' | 'lost';

/** The writer's statements for the statement `sql` that `at` matched (see Writer). */
export const writerStatements = (w: Writer, sql: string, schema: string): string[] => {
  const group = w.at.exec(sql)?.slice(1).find((g) => g !== undefined) ?? '';
  return w.sql.map((x) => x.replaceAll('$', schema).replaceAll('{1}', group));
};

/**
 * Fault injection into a project's warehouse client: counts statements, fails or "dies" at the k-th. `writer`: runs
 * `act(sql)` (another writer, outside this client) once, right after the first statement `matches` is answered.
 */
function inject(
  client: object,
  mode: 'count' | 'fail' | 'die' | 'lost',
  k: number,
  writer?: { matches: (sql: string) => boolean; act: (sql: string) => Promise<void> },
): { count: () => number; writes: number[]; acted: () => boolean } {
  const c = client as Record<string, (...args: unknown[]) => unknown>;
  let n = 0;
  let dead = false;
  let acted = false;
  const writes: number[] = [];
  const other = async (sql: unknown) => {
    if (writer && !acted && typeof sql === 'string' && writer.matches(sql)) {
      acted = true;
      await writer.act(sql);
    }
  };
  const reads = (sql: unknown) => typeof sql === 'string' && /^\s*(\(\s*)*(select|describe|desc|show|exists|with)\b/i.test(sql.replace(/^\s*\/\*[\s\S]*?\*\//, ''));
  const died = () => new Error(`fault injection: the process died after statement ${k}`);
  const lost = () => new Error(`fault injection: statement ${k} ran, its answer was lost (socket hang up)`);
  for (const method of ['command', 'query', 'insertStream'] as const) {
    const original = c[method]!.bind(client);
    c[method] = async (...args: unknown[]) => {
      if (dead) throw died();
      const i = ++n;
      if (method === 'insertStream' || !reads(args[0])) writes.push(i);
      if (mode === 'fail' && i === k) throw new Error(`fault injection: statement ${k} failed`);
      try {
        const answer = await original(...args);
        await other(args[0]);
        if (mode === 'lost' && i === k) throw lost();
        return answer;
      } finally {
        // Answered (done or refused): the process dies now.
        if (mode === 'die' && i === k) dead = true;
      }
    };
  }
  const querySync = c.querySync!.bind(client);
  c.querySync = (...args: unknown[]) => {
    if (dead) throw died();
    const i = ++n;
    if (!reads(args[0])) writes.push(i);
    if (mode === 'fail' && i === k) throw new Error(`fault injection: statement ${k} failed`);
    try {
      const answer = querySync(...args);
      if (mode === 'lost' && i === k) throw lost();
      return answer;
    } finally {
      if (mode === 'die' && i === k) dead = true;
    }
  };
  return { count: () => n, writes, acted: () => acted };
}

export class FaultHarness {
  private readonly root = mkdtempSync(join(tmpdir(), 'tsdbt-fault-'));

  constructor(private readonly warehouse: Warehouse) {}

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * Runs a case in both modes for every k; asserts the guarantees; returns the counts.
   * `ks: 'writes'` faults only the statements that change something (and, in `die` mode, that is
   * every distinct state: dying right after a read leaves what dying after the write before it
   * left); `slots` runs that many iterations side by side, each in a schema of its own (a cluster's
   * DDL is slow, not busy); `part: [i, n]` faults only the i-th of every n statements (from 0), so that a long
   * case runs as n tests, each within a test's time.
   */
  async run(c: FaultCase, schema: string, options: { ks?: 'all' | 'writes'; slots?: number; modes?: readonly Mode[]; part?: readonly [number, number] } = {}): Promise<CaseCounts> {
    const before = this.projectDir(`${c.name}-before`, c.files, c.settings);
    const after = this.projectDir(`${c.name}-after`, { ...c.files, ...c.changedFiles }, c.settings);
    const slots = Array.from({ length: options.slots ?? 1 }, (_, i) => {
      const slotSchema = i === 0 ? schema : `${schema}_${i}`;
      // The profile reads the schema from this variable when the project loads (synchronously).
      process.env.TSDBT_FAULT_SCHEMA = slotSchema;
      return { schema: slotSchema, before: TsdbtProject.open({ projectDir: before }).loaded, after: TsdbtProject.open({ projectDir: after }).loaded };
    });
    const command = c.command ?? 'run';
    type Slot = (typeof slots)[number];

    const prepare = async (slot: Slot): Promise<Snapshot> => {
      const sql = (text: string) => text.replaceAll('$', slot.schema);
      await this.warehouse.dropSchema(slot.schema);
      await this.warehouse.query(`CREATE DATABASE IF NOT EXISTS ${slot.schema}${this.warehouse.onCluster ?? ''}`);
      for (const s of c.setup ?? []) await this.warehouse.query(sql(s));
      const first = await this.runCommand(slot.before, command, {}, 'count', 0);
      expect(first.result.success, `${c.name}: the first build failed: ${messages(first.result)}`).toBe(true);
      for (const s of c.change ?? []) await this.warehouse.query(sql(s));
      return this.snapshot(slot.schema, c.targets);
    };

    const probe = async (slot: Slot): Promise<Snapshot> => {
      for (const s of c.probe ?? []) await this.warehouse.query(s.replaceAll('$', slot.schema));
      return this.snapshot(slot.schema, c.targets);
    };
    // The uninterrupted run: what "new" is, which statements it sends, which relations it leaves.
    // With a probe, "old" is the old state after the probe (the command never ran), from a state prepared once more.
    const home = slots[0]!;
    const oldState = await prepare(home);
    const oldAnswer = c.probe ? await probe(home) : oldState;
    if (c.probe) expect(await prepare(home), `${c.name}: the old state is not reproducible`).toEqual(oldState);
    // With another writer: the old state with its rows (`asIf`), and the new one without them (a run it did not act in).
    let oldWithWriter: Snapshot | undefined;
    let newWithoutWriter: Snapshot | undefined;
    if (c.writer) {
      expect(await prepare(home), `${c.name}: the old state is not reproducible`).toEqual(oldState);
      for (const s of c.writer.asIf) await this.warehouse.query(s.replaceAll('$', home.schema));
      oldWithWriter = c.probe ? await probe(home) : await this.snapshot(home.schema, c.targets);
      await prepare(home);
      if (!c.writer.late) {
        const alone = await this.runCommand(home.after, command, c.options ?? {}, 'count', 0);
        expect(alone.result.success, `${c.name}: the uninterrupted run without the other writer failed: ${messages(alone.result)}`).toBe(true);
        newWithoutWriter = await probe(home);
        await prepare(home);
      }
    }
    const clean = await this.runCommand(home.after, command, c.options ?? {}, 'count', 0, c.writer);
    expect(clean.result.success, `${c.name}: the uninterrupted run failed: ${messages(clean.result)}`).toBe(true);
    if (c.writer) expect(clean.acted, `${c.name}: the other writer never acted (no statement matched ${c.writer.at})`).toBe(true);
    const newState = await probe(home);
    const relations = await this.relations(home.schema);
    expect(newState, `${c.name}: the change changes nothing, so the harness would prove nothing`).not.toEqual(oldAnswer);
    if (newWithoutWriter) expect(newState, `${c.name}: the other writer's rows are not in the uninterrupted run's targets`).not.toEqual(newWithoutWriter);
    const n = clean.statements;
    const part = options.part;
    const ks = (options.ks === 'writes' ? clean.writes : Array.from({ length: n }, (_, i) => i + 1)).filter((_, i) => !part || i % part[1] === part[0]);
    // A real process numbers its statements its own way (its capability probes, its chDB handshake): `kill`
    // takes its statements from an uninterrupted run of that process (before, this process's numbering left
    // its last writes — the swap, the clean-up — never killed after), and goes on past them until a run ends
    // without being killed.
    const modes = options.modes ?? (['fail', 'die'] as const);
    let killKs: number[] = [];
    if (modes.includes('kill')) {
      await prepare(home);
      const child = await this.childStatements(home.after, command, c.options ?? {});
      killKs = [...(options.ks === 'writes' ? child.writes : Array.from({ length: child.statements }, (_, i) => i + 1)), child.statements + 1, child.statements + 2];
    }
    const tasks = modes.flatMap((mode) => (mode === 'kill' ? killKs : ks).map((k) => ({ mode, k })));
    let killsEnded = false;

    const counts = { name: part ? `${c.name} (part ${part[0] + 1} of ${part[1]})` : c.name, statements: n, runs: 0, old: 0, new: 0, switching: 0, failedRuns: 0, faulted: options.ks ?? 'all', modes: options.modes ?? ['fail', 'die'] };
    const iteration = async (slot: Slot, { mode, k }: (typeof tasks)[number]) => {
      if (mode === 'kill' && killsEnded) return;
      const where = `${c.name}: ${mode} at statement ${k} of ${n}`;
      expect(await prepare(slot), `${where}: the old state is not reproducible`).toEqual(oldState);
      const faulted = mode === 'kill' ? await this.killedAt(slot.after, command, c.options ?? {}, k) : await this.runCommand(slot.after, command, c.options ?? {}, mode, k, c.writer);
      if (mode === 'kill' && faulted.result.success) killsEnded = true; // k passed the process's last statement
      // Where another writer never acted, it acts after the run (`late`), or the new rows are those of a run without it.
      const late = c.writer?.late && !faulted.acted;
      for (const s of late ? c.writer!.late! : []) await this.warehouse.query(s.replaceAll('$', slot.schema));
      const state = await probe(slot);
      const writerLeft = c.writer && !faulted.acted && !late;
      const isOld = equal(state, c.writer && (faulted.acted || late) ? oldWithWriter! : oldAnswer);
      const isNew = equal(state, writerLeft ? newWithoutWriter! : newState);
      // A materialized view's build cut short in a marked state the next run finishes (checked below):
      // switching its complete target in (the new views may already write into the old table), or,
      // on servers without EXCHANGE, filling a first target.
      const switching = !isOld && !isNew && (await this.switchPending(slot.schema, mode));
      expect(isOld || isNew || switching, `${where}: the targets hold neither the old rows nor the new ones\n${describe(state, oldAnswer, newState)}`).toBe(true);
      if (faulted.result.success) expect(isNew, `${where}: the run said success but the targets hold the old rows`).toBe(true);
      if (!(mode === 'kill' && faulted.result.success)) {
        counts.runs++;
        if (isNew) counts.new++;
        else if (switching) counts.switching++;
        else counts.old++;
        if (!faulted.result.success) counts.failedRuns++;
      }
      const rerun = await this.runCommand(slot.after, command, c.options ?? {}, 'count', 0);
      expect(rerun.result.success, `${where}: the clean rerun failed: ${messages(rerun.result)}`).toBe(true);
      const converged = writerLeft ? await probe(slot) : await this.snapshot(slot.schema, c.targets);
      expect(converged, `${where}: the clean rerun did not converge${c.writer ? ` (the other writer ${faulted.acted ? 'acted' : 'did not act'})` : ''}`).toEqual(writerLeft ? newWithoutWriter : newState);
      expect(await this.relations(slot.schema), `${where}: relations left after the clean rerun`).toEqual(relations);
    };
    await Promise.all(
      slots.map(async (slot, i) => {
        for (let t = i; t < tasks.length; t += slots.length) await iteration(slot, tasks[t]!);
      }),
    );
    for (const slot of slots) await this.warehouse.dropSchema(slot.schema);
    return counts;
  }

  private projectDir(name: string, files: Readonly<Record<string, string>>, settings?: Readonly<Record<string, number>>): string {
    const dir = join(this.root, name);
    const all = { 'project.yml': 'name: fault\nprofile: fault\n', 'profiles.yml': withSettings(this.warehouse.profile(`"{{ env_var('TSDBT_FAULT_SCHEMA') }}"`), settings), ...files };
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  /** One command in a new project (a new run id) over a loaded project; the project is closed after. */
  private async runCommand(loaded: LoadedProject, command: Command, options: RunOptions, mode: 'count' | 'fail' | 'die' | 'lost', k: number, writer?: Writer) {
    const project = TsdbtProject.fromLoaded(loaded);
    try {
      const adapter = await project.adapter(1);
      const act = async (sql: string) => {
        for (const s of writerStatements(writer!, sql, loaded.target.schema)) await this.warehouse.query(s);
      };
      const counter = inject(adapter.client, mode, k, writer && { matches: (sql) => writer.at.test(sql), act });
      const opts = { threads: 1, ...options, select: options.select ? [...options.select] : undefined };
      const result =
        command === 'run' ? await project.run(opts)
        : command === 'seed' ? await project.seed(opts)
        : command === 'build' ? await project.build(opts)
        : await project.sourceLoad(opts);
      return { result, statements: counter.count(), writes: counter.writes, acted: counter.acted() };
    } finally {
      await project.close();
    }
  }

  /** The statements a real tsdbt process (kill-child.mjs) sends for the command, run to its end: how many, and which write. */
  private async childStatements(loaded: LoadedProject, command: Command, options: RunOptions): Promise<{ statements: number; writes: number[] }> {
    const out = await this.child(loaded, command, options, 0);
    expect(out.text, 'the counting run of a real process failed').toMatch(/^completed: true$/m);
    const statements = Number(/^(\d+) statements$/m.exec(out.text)?.[1] ?? 0);
    const writes = (/^writes: ([\d,]*)$/m.exec(out.text)?.[1] ?? '').split(',').filter(Boolean).map(Number);
    return { statements, writes };
  }

  private async child(loaded: LoadedProject, command: Command, options: RunOptions, k: number): Promise<{ text: string; signal: NodeJS.Signals | null }> {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'kill-child.mjs'), loaded.projectRoot, command, String(k), options.fullRefresh ? '1' : '0', (options.select ?? []).join(',')], {
      env: { ...process.env, TSDBT_FAULT_SCHEMA: loaded.target.schema },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    await new Promise((resolve) => child.on('exit', resolve));
    return { text: out, signal: child.signalCode };
  }

  /** `kill` mode: the command in a real tsdbt process (kill-child.mjs), SIGKILLed right after its k-th statement is acknowledged. */
  private async killedAt(loaded: LoadedProject, command: Command, options: RunOptions, k: number) {
    const out = await this.child(loaded, command, options, k);
    const completed = /^completed: true$/m.test(out.text);
    if (!completed) expect(out.signal, `the process was neither killed at statement ${k} nor done: ${out.text}`).toBe('SIGKILL');
    return { result: { success: completed } as RunResult, statements: k, writes: [] as number[], acted: false };
  }

  /** Columns and rows of each target ('absent' when it does not exist). */
  private async snapshot(schema: string, targets: readonly string[]): Promise<Snapshot> {
    const out: Snapshot = {};
    for (const t of targets) {
      const exists = await this.warehouse.query<{ n: string | number }>(`SELECT count() AS n FROM system.tables WHERE database = '${schema}' AND name = '${t}'`);
      if (Number(exists[0]?.n ?? 0) === 0) {
        out[t] = 'absent';
        continue;
      }
      const columns = await this.warehouse.query<{ name: string; type: string }>(`DESCRIBE TABLE \`${schema}\`.\`${t}\``);
      const order = columns.map((col) => `\`${col.name}\``).join(', ');
      const rows = await this.warehouse.query(`SELECT * FROM \`${schema}\`.\`${t}\` ORDER BY ${order}`);
      out[t] = JSON.stringify({ columns: columns.map((col) => `${col.name} ${col.type}`), rows });
    }
    return out;
  }

  /**
   * Whether the next run is left to finish a materialized view's build: a rebuilt target, complete and
   * marked `tsdbt:switching:<run>`, waits beside its table to be switched in; or (servers without
   * EXCHANGE) a first build's marker `<t>__tsdbt_building_<run>` says its new target is not filled yet;
   * or partition ALTERs of several tables (an append and its views' targets) cut short between two by the
   * process's death, their staged tables marked `tsdbt:replacing:` (partition-replace.ts) for the next command
   * to finish (a process that lives on after a failing ALTER finishes them itself).
   */
  private async switchPending(schema: string, mode: Mode): Promise<boolean> {
    const from = this.warehouse.tables ?? 'system.tables';
    const [building] = await this.warehouse.query<{ n: string | number }>(`SELECT count() AS n FROM ${from} WHERE database = '${schema}' AND position(name, '__tsdbt_building_') > 0`);
    if (Number(building?.n ?? 0) > 0) return true;
    // A carry after a swap that the process did not finish (copy-carry.ts: its record, which the next run's sweep finishes).
    const [carry] = await this.warehouse.query<{ n: string | number }>(`SELECT count() AS n FROM ${from} WHERE database = '${schema}' AND endsWith(name, '__carry')`);
    if (Number(carry?.n ?? 0) > 0) return true;
    const [comments] = await this.warehouse.query<{ n: string | number }>(`SELECT count() AS n FROM system.columns WHERE database = 'system' AND table = 'tables' AND name = 'comment'`);
    if (Number(comments?.n ?? 0) === 0) return false; // no table comments (ClickHouse before 21.x): no such marks
    const dead = mode === 'die' || mode === 'kill';
    const rows = await this.warehouse.query<{ n: string | number }>(
      `SELECT count() AS n FROM ${from} WHERE database = '${schema}' AND (startsWith(comment, 'tsdbt:switching:')${dead ? " OR startsWith(comment, 'tsdbt:replacing:')" : ''})`,
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  private async relations(schema: string): Promise<string[]> {
    const from = this.warehouse.tables ?? 'system.tables';
    return (await this.warehouse.query<{ name: string }>(`SELECT DISTINCT name FROM ${from} WHERE database = '${schema}' ORDER BY name`)).map((r) => r.name);
  }
}

const equal = (a: Snapshot, b: Snapshot) => JSON.stringify(a) === JSON.stringify(b);

/** A profile with `settings` added to its output (after its `threads:` line, at that line's indentation). */
function withSettings(profile: string, settings?: Readonly<Record<string, number>>): string {
  if (!settings) return profile;
  const m = /^( *)threads: .*$/m.exec(profile);
  if (!m) throw new Error(`the profile has no threads line to put settings after:\n${profile}`);
  const indent = m[1]!;
  const lines = [`${indent}settings:`, ...Object.entries(settings).map(([k, v]) => `${indent}  ${k}: ${v}`)];
  return profile.slice(0, m.index + m[0].length) + '\n' + lines.join('\n') + profile.slice(m.index + m[0].length);
}

function messages(result: RunResult): string {
  return result.results.map((r) => `${r.node.name}: ${r.status}: ${r.message}`).join('; ');
}

function describe(state: Snapshot, before: Snapshot, after: Snapshot): string {
  return Object.keys(state)
    .map((t) => `${t}\n  now:    ${state[t]}\n  before: ${before[t]}\n  after:  ${after[t]}`)
    .join('\n');
}

/** The counts as the lines CI prints. */
export function formatCounts(where: string, counts: readonly CaseCounts[]): string {
  const total = counts.reduce((a, c) => ({ runs: a.runs + c.runs, old: a.old + c.old, new: a.new + c.new, switching: a.switching + c.switching, statements: a.statements + c.statements }), { runs: 0, old: 0, new: 0, switching: 0, statements: 0 });
  const lines = counts.map(
    (c) =>
      `  ${c.name.padEnd(52)} ${String(c.statements).padStart(3)} statements, ${String(c.runs).padStart(3)} faulted runs (${c.modes.join(', ')}${c.faulted === 'writes' ? ', at each write' : ''}): ${c.old} old, ${c.new} new${c.switching ? `, ${c.switching} finished by the next run` : ''}, 0 lost or doubled`,
  );
  const which = counts.every((c) => c.faulted === 'all') ? 'every statement' : 'every statement (or every statement that writes, where marked)';
  return [
    `Fault-injection harness (${where}): ${counts.length} cases, ${total.runs} faulted runs at ${which} (fail: the statement fails; die: nothing after it reaches the warehouse; kill: a real tsdbt process SIGKILLed right after it; lost: it ran, its answer was lost): ${total.old} left the old rows, ${total.new} the new rows${total.switching ? `, ${total.switching} a view's marked target that the next run finished` : ''}, 0 lost or doubled; every clean rerun converged with no leftover relation`,
    ...lines,
  ].join('\n');
}
