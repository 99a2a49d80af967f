/** A server's version, as `SELECT version()` gives it, with its major and minor numbers. */
export interface ServerVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
}

export function parseServerVersion(text: string): ServerVersion {
  const [major = 0, minor = 0] = text.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return { text, major, minor };
}

/** Whether `v` is at least `major.minor`. */
export const atLeast = (v: ServerVersion, major: number, minor = 0): boolean => v.major > major || (v.major === major && v.minor >= minor);
