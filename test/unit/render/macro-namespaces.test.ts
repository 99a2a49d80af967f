import { describe, expect, it } from 'vitest';
import { Renderer, type MacroFile } from '../../../packages/core/src/render/renderer.js';
import { newRenderState } from '../../../packages/core/src/render/render-state.js';
import { TsdbtError } from '../../../packages/core/src/shared/errors.js';
import type { DispatchEntry } from '../../../packages/core/src/render/macro-registry.js';

const file = (packageName: string, path: string, source: string, lazy = packageName !== 'root'): MacroFile => ({ path, source, packageName, lazy });

function renderer(files: MacroFile[], dispatch: DispatchEntry[] = [], dependencies = ['pkg', 'other']) {
  return new Renderer({ projectName: 'root', vars: {}, target: { name: 'dev', schema: 's' }, flags: {}, invocationId: 'x', env: {}, onLog: () => {} }, files, { dispatch, dependencies });
}

/** Renders `source` as a model of package `pkg` (its file under that package's folder). */
function render(r: Renderer, source: string, pkg = 'root', mode: 'parse' | 'execute' = 'parse'): string {
  const node = { uniqueId: `model.${pkg}.m`, name: 'm', resourceType: 'model', packageName: pkg, originalFilePath: 'models/m.sql', fqn: [pkg, 'm'], baseConfig: {} };
  return r.renderString(source, 'models/m.sql', newRenderState({ mode, node })).trim();
}

/** The error a node's render raises when it runs (at parse an unknown macro is deferred, as dbt). */
function renderError(r: Renderer, source: string, pkg = 'root'): TsdbtError {
  try {
    render(r, source, pkg, 'execute');
  } catch (e) {
    if (e instanceof TsdbtError) return e;
    throw e;
  }
  throw new Error('expected a render error');
}

const m = (name: string, body: string, args = '') => `{% macro ${name}(${args}) %}${body}{% endmacro %}\n`;

describe("dbt's macro namespaces (core/dbt/context/macros.py)", () => {
  const files = [
    file('dbt', '/builtin/a.sql', m('shared', 'dbt') + m('only_dbt', 'dbt-only') + m('default__thing', 'dbt-default')),
    file('pkg', 'dbt_packages/pkg/macros/a.sql', m('shared', 'pkg') + m('only_pkg', 'pkg-only') + m('calls_shared', '{{ shared() }}') + m('calls_own', '{{ only_pkg() }}')),
    file('root', 'macros/a.sql', m('shared', 'root') + m('root_only', 'root-only')),
  ];

  it('resolves a bare name from a root node: root project, then dbt; other packages only by their namespace', () => {
    const r = renderer(files);
    expect(render(r, '{{ shared() }}|{{ only_dbt() }}|{{ root_only() }}')).toBe('root|dbt-only|root-only');
    expect(render(r, '{{ pkg.only_pkg() }}|{{ dbt.shared() }}|{{ pkg.shared() }}|{{ root.shared() }}')).toBe('pkg-only|dbt|pkg|root');
    expect(renderError(r, '{{ only_pkg() }}').message).toContain("Macro 'only_pkg' not found");
  });

  it("resolves a bare name from a package's node in that package first, then the root project, then dbt", () => {
    const r = renderer(files);
    expect(render(r, '{{ shared() }}|{{ only_pkg() }}|{{ root_only() }}|{{ only_dbt() }}', 'pkg')).toBe('pkg|pkg-only|root-only|dbt-only');
  });

  it("decides by the node being rendered, not by the macro's package (a package macro called from the root sees the root's names)", () => {
    const r = renderer(files);
    // As in dbt: pkg.calls_shared() rendered for a root model finds the root project's `shared`.
    expect(render(r, '{{ pkg.calls_shared() }}')).toBe('root');
    expect(render(r, '{{ pkg.calls_shared() }}', 'pkg')).toBe('pkg');
    // A package's own unprefixed macro from another file is not visible from a root node.
    expect(renderError(r, '{{ pkg.calls_own() }}').message).toContain("Macro 'only_pkg' not found");
  });

  it('lets a root project macro override one that a built-in in the same file calls, as dbt compiles each macro alone', () => {
    const r = renderer([file('dbt', '/builtin/b.sql', m('outer', '[{{ helper() }}]') + m('helper', 'dbt-helper')), file('root', 'macros/h.sql', m('helper', 'root-helper'))]);
    expect(render(r, '{{ dbt.outer() }}|{{ outer() }}')).toBe('[root-helper]|[root-helper]');
  });

  it('calls macros whose names start with an underscore from other files, as dbt does', () => {
    const r = renderer([
      file('pkg', 'dbt_packages/pkg/macros/private.sql', m('_is_relation', '{{ obj }} ok', 'obj')),
      file('pkg', 'dbt_packages/pkg/macros/user.sql', m('star', '{{ pkg._is_relation(x) }}', 'x')),
      file('root', 'macros/r.sql', m('_helper', 'helped')),
    ]);
    expect(render(r, "{{ pkg.star('t') }}|{{ _helper() }}")).toBe('t ok|helped');
  });

  it('reports two macros of one name in one package', () => {
    expect(() => renderer([file('root', 'macros/a.sql', m('x', '1')), file('root', 'macros/b.sql', "\n\n" + m('x', '2'))])).toThrow(
      'dbt found two macros named "x" in the project "root": macros/a.sql:1 and macros/b.sql:3',
    );
  });

  it('ignores macros in Jinja comments when reading a lazy file', () => {
    const r = renderer([file('pkg', 'p.sql', "{# {% macro old() %}{% endmacro %} #}\n" + m('fresh', 'new')), file('pkg', 'q.sql', m('old', 'kept'))]);
    expect(render(r, '{{ pkg.old() }}|{{ pkg.fresh() }}')).toBe('kept|new');
  });
});

describe("adapter.dispatch (dbt's BaseDatabaseWrapper.dispatch)", () => {
  const files = [
    file('dbt', '/builtin/d.sql', m('default__dt', 'dbt-default') + m('clickhouse__dt', 'dbt-ch') + m('default__only_default', 'dbt-only-default')),
    file('pkg', 'dbt_packages/pkg/macros/d.sql', m('default__x', 'pkg-default') + m('clickhouse__y', 'pkg-ch') + m('default__y', 'pkg-default-y') + m('default__dt', 'pkg-dt')),
    file('other', 'dbt_packages/other/macros/d.sql', m('default__x', 'other-default')),
    file('root', 'macros/d.sql', m('default__y', 'root-default-y')),
  ];

  it("searches the root project, then the namespace's package, each with clickhouse__ before default__", () => {
    const r = renderer(files);
    expect(render(r, "{{ adapter.dispatch('x', 'pkg')() }}")).toBe('pkg-default');
    // root.default__y wins over pkg.clickhouse__y: packages are searched in order, prefixes within each.
    expect(render(r, "{{ adapter.dispatch('y', 'pkg')() }}")).toBe('root-default-y');
    expect(render(r, "{{ adapter.dispatch('y', macro_namespace='pkg')() }}")).toBe('root-default-y');
    // dbt's namespace: root first, then the built-ins; a package's own default__dt never takes part.
    expect(render(r, "{{ adapter.dispatch('dt', 'dbt')() }}")).toBe('dbt-ch');
    expect(render(r, "{{ adapter.dispatch('dt', 'dbt')() }}", 'pkg')).toBe('dbt-ch');
  });

  it("follows the root project's dispatch: search_order for a namespace", () => {
    const r = renderer(files, [{ macroNamespace: 'pkg', searchOrder: ['other', 'pkg'] }]);
    expect(render(r, "{{ adapter.dispatch('x', 'pkg')() }}")).toBe('other-default');
    expect(render(r, "{{ adapter.dispatch('y', 'pkg')() }}")).toBe('pkg-ch');
  });

  it('without a namespace, searches like a bare name: the node\'s package, the root project, then dbt', () => {
    const r = renderer(files);
    expect(render(r, "{{ adapter.dispatch('dt')() }}")).toBe('dbt-ch');
    expect(render(r, "{{ adapter.dispatch('y')() }}")).toBe('root-default-y');
    // clickhouse__ is tried everywhere before default__: the built-in clickhouse__dt beats pkg's default__dt.
    expect(render(r, "{{ adapter.dispatch('dt')() }}", 'pkg')).toBe('dbt-ch');
    expect(render(r, "{{ adapter.dispatch('y')() }}", 'pkg')).toBe('pkg-ch');
  });

  it("raises dbt's errors: a dotted name, the removed packages argument, nothing found", () => {
    const r = renderer(files);
    expect(renderError(r, "{{ adapter.dispatch('pkg.x')() }}").message).toContain('Did you mean `adapter.dispatch("x", macro_namespace="pkg")`?');
    expect(renderError(r, "{{ adapter.dispatch('x', packages=['pkg'])() }}").message).toContain('"packages" argument of adapter.dispatch() has been deprecated');
    const e = renderError(r, "{{ adapter.dispatch('nothing', 'pkg')() }}");
    expect(e.message).toBe("In dispatch: No macro named 'nothing' found within namespace: 'pkg'\n    Searched for: 'root.clickhouse__nothing', 'root.default__nothing', 'pkg.clickhouse__nothing', 'pkg.default__nothing'");
    expect([e.file, e.line]).toEqual(['models/m.sql', 1]);
    expect(renderError(r, "{{ adapter.dispatch('x', 'nopkg')() }}").message).toContain("Searched for: 'clickhouse__x', 'default__x'");
  });
});

describe('errors in macros', () => {
  it('point at the line in the macro file and list the calls that led there', () => {
    const r = renderer([
      file('pkg', 'dbt_packages/pkg/macros/inner.sql', "{% macro inner(x) %}\n  select\n  {{ exceptions.raise_compiler_error('bad ' ~ x) }}\n{% endmacro %}\n"),
      file('pkg', 'dbt_packages/pkg/macros/outer.sql', '{% macro outer() %}\n\n{{ pkg.inner(1) }}\n{% endmacro %}\n'),
    ]);
    const e = renderError(r, 'select\n{{ pkg.outer() }}');
    expect([e.code, e.message, e.file, e.line]).toEqual(['compiler_error', 'bad 1', 'dbt_packages/pkg/macros/inner.sql', 3]);
    expect(e.callChain).toEqual([
      'in macro pkg.inner (dbt_packages/pkg/macros/inner.sql:3)',
      'called by macro pkg.outer (dbt_packages/pkg/macros/outer.sql:3)',
      "called by model 'm' (models/m.sql:2)",
    ]);
  });

  it('names a Jinja syntax error of a lazily compiled package file at its own line', () => {
    const r = renderer([file('pkg', 'dbt_packages/pkg/macros/bad.sql', '{% macro bad() %}\n{{ 1 + }}\n{% endmacro %}\n')]);
    const e = renderError(r, '{{ pkg.bad() }}');
    expect([e.file, e.line]).toEqual(['dbt_packages/pkg/macros/bad.sql', 2]);
  });

  it('says which package macro is missing, or that a package is not installed', () => {
    const r = renderer([file('pkg', 'p.sql', m('generate_surrogate_key', 'k'))]);
    let e = renderError(r, 'select\n  {{ pkg.generate_surogate_key() }}');
    expect([e.code, e.message, e.file, e.line]).toEqual(['unknown_macro', "Macro 'pkg.generate_surogate_key' not found: package 'pkg' has no macro named 'generate_surogate_key'", 'models/m.sql', 2]);
    expect(e.hint).toBe('Did you mean pkg.generate_surrogate_key?');
    e = renderError(r, "{{ dbt_utils.star(ref('x')) }}");
    expect([e.code, e.message]).toEqual(['unknown_package', "'dbt_utils' is undefined ('dbt_utils.star' is called here): no variable, macro or installed package is named 'dbt_utils'"]);
    expect(e.hint).toContain('run tsdbt deps');
  });

  it("an undefined local's method call is Jinja's \"'meta' is undefined\" at its file and line, not a package missing", () => {
    const r = renderer([file('pkg', 'p.sql', m('generate_surrogate_key', 'k'))]);
    // A {% set %} inside a for loop is gone after it (Jinja's scoping): `meta` is undefined at line 3.
    const e = renderError(r, "{% for x in [{'a': 1}] %}{% set meta = x %}{% endfor %}\nselect 1\n{{ meta.get('a') }}");
    expect([e.code, e.file, e.line]).toEqual(['unknown_package', 'models/m.sql', 3]);
    expect(e.message).toMatch(/^'meta' is undefined \('meta\.get' is called here\)/);
    expect(e.message).not.toContain('not installed');
    expect(e.hint).toContain('a {% set %} inside a {% for %} loop');
  });

  it("says a value lacks the method, not that a package is missing ('str object' has no attribute, as Jinja)", () => {
    const r = renderer([
      file('pkg', 'p.sql', m('generate_surrogate_key', 'k')),
      file('pkg', 'dbt_packages/pkg/macros/rel.sql', '{% macro use_rel(rel) %}\n{{ rel.nope() }}\n{% endmacro %}\n'),
    ]);
    let e = renderError(r, "{% set s = 'abc' %}\n{{ s.nope() }}");
    expect([e.code, e.message, e.file, e.line]).toEqual(['unknown_attribute', "'s.nope' cannot be called: 'str object' has no attribute 'nope'", 'models/m.sql', 2]);
    e = renderError(r, "{{ pkg.use_rel({'a': 1}) }}");
    expect([e.code, e.message, e.file, e.line]).toEqual(['unknown_attribute', "'rel.nope' cannot be called: 'dict object' has no attribute 'nope'", 'dbt_packages/pkg/macros/rel.sql', 2]);
    // A missing macro of an installed package and a package not installed keep their messages,
    // even right after a value's missing attribute was looked up.
    e = renderError(r, "{{ 'x'.nope is defined }}{{ pkg.nope() }}");
    expect(e.code).toBe('unknown_macro');
    e = renderError(r, "{{ 'x'.star is defined }}{{ dbt_utils.star() }}");
    expect(e.code).toBe('unknown_package');
  });

  it("defers an unknown macro while a node parses (dbt's callable parse-time Undefined): '' and rendered again at run time", () => {
    const r = renderer([file('pkg', 'p.sql', m('generate_surrogate_key', 'k'))]);
    const node = { uniqueId: 'model.root.m', name: 'm', resourceType: 'model', packageName: 'root', originalFilePath: 'models/m.sql', fqn: ['root', 'm'], baseConfig: {} };
    for (const source of ['{{ no_such() }}', '{{ pkg.generate_surogate_key() }}', "{{ dbt_utils.star(ref('x')).upper() }}", '{% if no_such() %}yes{% endif %}']) {
      const state = newRenderState({ mode: 'parse', node });
      expect(r.renderString(`[${source}]`, 'models/m.sql', state), source).toBe('[]');
      expect(state.usesWarehouse, source).toBe(true);
    }
    // Not while a YAML value or a project hook renders (no node): the error is immediate.
    expect(() => r.renderString('{{ no_such() }}', 'dbt_project.yml', newRenderState({ mode: 'parse' }))).toThrow(/Macro 'no_such' not found/);
  });
});
