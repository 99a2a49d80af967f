import type { FileChange } from '../load/incremental-load.js';
import type { RunEvent } from '../report/events.js';
import type { RunResult } from '../tsdbt.js';
import type { ManifestDiff } from './diff.js';

/** What watch mode reports, next to the RunEvents of the runs it starts. */
export type WatchEvent =
  /** The watcher is up: the initial load (and run, if any) is done and file events are being listened to. */
  | { readonly type: 'watch_ready'; readonly projectRoot: string; readonly paths: readonly string[] }
  /** Files changed (after the debounce window); a re-load follows. */
  | { readonly type: 'watch_change'; readonly files: readonly FileChange[] }
  /** The project was loaded again; `rebuild` is what runs next (empty: nothing to do). */
  | {
      readonly type: 'watch_reloaded';
      readonly mode: 'incremental' | 'full';
      /** Why the whole project was parsed again (full mode). */
      readonly fullReason?: string;
      readonly parseMs: number;
      readonly diff: ManifestDiff;
      readonly rebuild: readonly string[];
    }
  /** The run of `watch_reloaded.rebuild` (or the initial run) finished. */
  | { readonly type: 'watch_run_finished'; readonly result: RunResult }
  /**
   * Loading or running failed: a Jinja, YAML or SQL error in a file (a TsdbtError with file and line),
   * or a lost connection. The watcher keeps the last good project and keeps watching.
   */
  | {
      readonly type: 'watch_error';
      readonly error: unknown;
      readonly message: string;
      readonly code?: string;
      readonly file?: string;
      readonly line?: number;
      readonly files: readonly string[];
    }
  /** close() finished: no more events. */
  | { readonly type: 'watch_stopped' };

export type WatchEventHandler = (event: RunEvent | WatchEvent) => void;
