// Preloaded by bench scripts (`node --import ./bench/thread-cpu.mjs …`): at exit, writes to stderr the CPU
// seconds of the process's main thread and of all its other threads together — V8's helper threads
// (concurrent TurboFan, parallel/concurrent GC), worker threads (parse pool, schema YAML thread), libuv's.
// On 2 cores the main thread's CPU is the load's critical path and the rest competes for the second core,
// which is what decides whether more worker-thread parsing can pay (BENCHMARKS.md, cold-15).
// The line: `THREADCPU <main s> <others s>`. Linux only (/proc); elsewhere it writes nothing. Loads no
// V8 flag, so the CLI's V8 code cache is used as without it.
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread)
  process.on('exit', () => {
    let stat;
    try {
      stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    } catch {
      return;
    }
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (USER_HZ 100).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const main = (Number(fields[11]) + Number(fields[12])) / 100;
    // getrusage: every thread's, those that have ended included.
    const { user, system } = process.cpuUsage();
    const all = (user + system) / 1e6;
    process.stderr.write(`\nTHREADCPU ${main.toFixed(2)} ${Math.max(0, all - main).toFixed(2)}\n`);
  });
