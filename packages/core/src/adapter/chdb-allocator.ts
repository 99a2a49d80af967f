/*
 * chDB's memory allocator, set up for a tsdbt process before the engine loads.
 *
 * libchdb.so allocates through its own jemalloc (prefixed: it reads JE_MALLOC_CONF, once, when the
 * library loads). Its built-in configuration suits a long-running server: freed pages go back to the
 * kernel within ~5 s (dirty_decay_ms 5000, then muzzy_decay_ms 0) and every page is a 4 KB one. A
 * build is a burst of queries that each allocate and free hundreds of MB: the pages one model freed
 * were handed back and faulted in again, zeroed, by the next — the scale-0.1 main job took ~470,000
 * page faults, a fifth of its CPU samples in the kernel (perf: page faults and madvise). With huge
 * pages for the allocator's extents (thp:always: one fault per 2 MB where the kernel allows them,
 * 'madvise' mode included) and freed pages kept 20 s for reuse, the same job takes ~80,000 and
 * ~30–45 % less system time (BENCHMARKS.md › start-8). Freed pages that decayed are then handed back lazily
 * (muzzy_decay_ms -1: MADV_FREE only, never the forced MADV_DONTNEED purge that chDB's muzzy_decay_ms 0 does): the
 * kernel takes them when it needs memory, and until then the next query reuses them without a fault or a split of
 * their huge page. Under load (a build slowed down past the 20 s) the forced purge cost a third of a scale-0.1
 * build's CPU (BENCHMARKS.md › build-11). ClickHouse's memory worker still purges under memory pressure.
 * No separate arena for large allocations (oversize_threshold 0; chDB's is 64 MB): jemalloc decays that arena's freed
 * extents at once whatever the decay options say, so a big statement's blocks of 64 MB and more (a 3.4M-row column, a
 * join's hash table) were handed back and faulted in again, zeroed, by the next: 16–29 % of the page faults of the four
 * largest models' statements replayed (BENCHMARKS.md › build-16). They are now kept like any other freed memory.
 *
 * A JE_MALLOC_CONF already set (even empty) is the user's and wins. chDB's other built-in options (per-CPU
 * arenas, profiling) stay, and only the allocator of chDB's library reads them.
 * Imports nothing of tsdbt: chdb-ahead.ts (loaded on its own by the CLI) calls it too.
 */

/** What tsdbt sets JE_MALLOC_CONF to when it is unset. */
export const CHDB_MALLOC_CONF = 'thp:always,dirty_decay_ms:20000,muzzy_decay_ms:-1,oversize_threshold:0';

/** Sets chDB's allocator options in `env` (this process's environment: read by libchdb.so when it loads) unless already set. */
export function setChdbAllocatorEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env.JE_MALLOC_CONF === undefined) env.JE_MALLOC_CONF = CHDB_MALLOC_CONF;
}
