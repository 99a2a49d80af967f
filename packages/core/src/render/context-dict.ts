/*
 * dbt's `context`: the rendering context as a dict (dbt-core's BaseContext.to_dict sets
 * `ctx["context"] = ctx`). Packages look a project's own macro up through it —
 * dbt-event-logging's `context.get(project_name, {}).get('get_audit_schema')`, then
 * `context[project_name].get_audit_schema()` — so it reads the environment's globals as they
 * resolve for the render in progress (macros and package namespaces are getters there).
 */
export function contextDict(globals: Record<string, unknown>): Record<string, unknown> {
  const present = (key: string | symbol) => typeof key === 'string' && key in globals && globals[key] !== undefined;
  return new Proxy({} as Record<string, unknown>, {
    get: (_target, key) => (typeof key === 'string' ? globals[key] : undefined),
    has: (_target, key) => present(key),
    ownKeys: () => Object.keys(globals).filter(present),
    getOwnPropertyDescriptor: (_target, key) => (present(key) ? { value: globals[key as string], enumerable: true, configurable: true, writable: false } : undefined),
  });
}
