/** Arguments of a Jinja call into JS: nunjucks passes keyword arguments as a trailing object flagged `__keywords`. */

type Keywords = Record<string, unknown>;

export function splitArgs(args: readonly unknown[]): { positional: unknown[]; keywords: Keywords } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && (last as Keywords).__keywords) {
    const { __keywords: _k, ...keywords } = last as Keywords;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

/**
 * Binds a call's arguments to Python-style parameters: positional ones in order, then keywords by
 * name. Missing ones are undefined; unknown keywords are kept under their own name.
 */
export function bindArgs(args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const { positional, keywords } = splitArgs(args);
  const out: Record<string, unknown> = { ...keywords };
  names.forEach((name, i) => {
    if (i < positional.length) out[name] = positional[i];
  });
  return out;
}

/** A value given to a Python keyword that means "not given" (`None` or absent). */
export function given(v: unknown): boolean {
  return v !== undefined && v !== null;
}
