/**
 * When each invocation started (dbt's get_invocation_started_at): artifacts' metadata
 * `invocation_started_at`. A project notes it when made (TsdbtProject: an invocation id is its
 * command's); an invocation nobody noted started when its first artifact asks.
 */
const started = new Map<string, string>();

export function noteInvocationStarted(invocationId: string, at: Date = new Date()): void {
  if (!started.has(invocationId)) started.set(invocationId, at.toISOString());
}

export function invocationStartedAt(invocationId: string): string {
  noteInvocationStarted(invocationId);
  return started.get(invocationId)!;
}
