/*
 * dbt's `context`: the rendering context as a dict (dbt-core's BaseContext.to_dict sets
 * `ctx["context"] = ctx`). Packages look a project's own macro up through it —
 * dbt-event-logging's `context.get(project_name, {}).get('get_audit_schema')`, then
 * `context[project_name].get_audit_schema()` — so it reads the environment's globals as they
 * resolve for the render in progress (macros and package namespaces are getters there).
 *
 * It is also a dict a render writes to: EqualExperts/dbt-unit-testing keeps its test's state
 * there (`context.update({"__DUT_TEST_CONTEXT__": …})`, read back by later macro calls and by
 * the model it renders with render()). In dbt that is the node's own context dict, so what a
 * render writes is seen by the rest of that render and by no other node: writes are kept per
 * render (`currentRender`: the state of the render in progress) and read before the globals.
 */
type Writes = Record<string | symbol, unknown>;

const writesOf = new WeakMap<object, Writes>();

export function contextDict(globals: Record<string, unknown>, currentRender: () => object | undefined): Record<string, unknown> {
  const outside: Writes = {}; // a write with no render in progress (none is expected)
  const writes = (create: boolean): Writes | undefined => {
    const render = currentRender();
    if (!render) return outside;
    let w = writesOf.get(render);
    if (!w && create) writesOf.set(render, (w = {}));
    return w;
  };
  const written = (key: string | symbol) => {
    const w = writes(false);
    return w !== undefined && Object.hasOwn(w, key) ? w : undefined;
  };
  const present = (key: string | symbol) => written(key) !== undefined || (typeof key === 'string' && key in globals && globals[key] !== undefined);
  const valueOf = (key: string | symbol) => {
    const w = written(key);
    return w ? w[key] : typeof key === 'string' ? globals[key] : undefined;
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (_target, key) => valueOf(key),
    set: (_target, key, value) => {
      writes(true)![key] = value;
      return true;
    },
    // pop() of a key the render wrote (the globals themselves stay).
    deleteProperty: (_target, key) => {
      const w = written(key);
      if (w) delete w[key];
      return true;
    },
    has: (_target, key) => present(key),
    ownKeys: () => [...new Set([...Object.keys(globals).filter(present), ...Reflect.ownKeys(writes(false) ?? {})])],
    getOwnPropertyDescriptor: (_target, key) => (present(key) ? { value: valueOf(key), enumerable: true, configurable: true, writable: true } : undefined),
  });
}
