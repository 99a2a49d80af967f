import { createHash } from 'node:crypto';

/*
 * What renders read from outside their template: the inputs a cached parse render (load/parse-cache.ts)
 * must find unchanged to be reused. Recorded while `Renderer.track()` runs, across every render and
 * macro call it makes, as values (not just names): a var read with var('x', 1) is recorded as
 * "x absent" when the project does not set it, so setting it later invalidates the node.
 */

/** The reads of one tracked piece of work. Values are hashes (readValue; undefined: not set). */
export interface RenderReads {
  /** `${package}\0${name}` → the var's value as the node's package sees it (readValue), or undefined. */
  readonly vars: Map<string, string | undefined>;
  /** env_var() names → value (readValue), or undefined when unset. */
  readonly env: Map<string, string | undefined>;
  /** dbt's `flags` as read (readValue), when a template read them. */
  flags?: string;
  /** Config keys read with config.get()/require() (replayed: they silence "unknown config" notes). */
  readonly configKeys: Set<string>;
  /** Unique ids of the macros called (each call, even of a macro the render state already lists). */
  readonly macros: Set<string>;
  /**
   * Set when a render read something that differs from run to run (invocation_id,
   * run_started_at, `modules` such as datetime.now()) or logged: its result is never reused.
   */
  volatile: boolean;
  /**
   * Only on a whole load's tracking (Renderer.openTracking): names of the vars read by renders that
   * no tracked work enclosed (not a node's parse render): a warm start's vars update cannot tell
   * which node they went into (load/warm-vars-update.ts).
   */
  readonly direct?: Set<string>;
}

export function newRenderReads(): RenderReads {
  return { vars: new Map(), env: new Map(), configKeys: new Set(), macros: new Set(), volatile: false };
}

/** A var key of RenderReads.vars. */
export function varKey(packageName: string, name: string): string {
  return `${packageName}\0${name}`;
}

/**
 * What a read value is recorded as: a hash of its JSON text (undefined stays undefined). Only
 * compared, never shown: the cache file holds no var or env var value.
 */
export function readValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch {
    text = `\0unserialisable:${String(value)}`;
  }
  return createHash('sha1').update(text).digest('base64');
}

/** Adds `inner`'s reads to `outer` (work that ran inside other tracked work). */
export function mergeReads(outer: RenderReads, inner: RenderReads): void {
  for (const [k, v] of inner.vars) if (!outer.vars.has(k)) outer.vars.set(k, v);
  for (const [k, v] of inner.env) if (!outer.env.has(k)) outer.env.set(k, v);
  if (inner.flags !== undefined) outer.flags ??= inner.flags;
  for (const k of inner.configKeys) outer.configKeys.add(k);
  for (const m of inner.macros) outer.macros.add(m);
  outer.volatile ||= inner.volatile;
}
