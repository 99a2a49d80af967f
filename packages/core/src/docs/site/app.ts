/**
 * The docs site's browser code (plain JS in a string: no bundler, no CDN). It expects a global
 * `TsdbtLayout` (the layout engine, see ../layout.ts) and fetches the JSON artifacts next to the page.
 * Written without template literals so that it fits in String.raw.
 */
export const SITE_JS = String.raw`
(function () {
  'use strict';
  var Layout = window.TsdbtLayout;
  var S = { manifest: null, catalog: null, runs: null, dashboards: null, all: {}, results: {}, tests: {}, colTests: {}, query: '' };
  var NODE_W = 200, NODE_H = 32;
  var TYPES = [['model', 'Models'], ['source', 'Sources'], ['seed', 'Seeds'], ['snapshot', 'Snapshots'], ['test', 'Tests'], ['unit_test', 'Unit tests'],
    ['exposure', 'Exposures'], ['semantic_model', 'Semantic models'], ['metric', 'Metrics'], ['saved_query', 'Saved queries']];
  // Listed only when the project has some (the first five always are).
  var OPTIONAL = { snapshot: 1, unit_test: 1, exposure: 1, semantic_model: 1, metric: 1, saved_query: 1 };
  function isTest(n) { return n.resource_type === 'test' || n.resource_type === 'unit_test'; }
  var fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

  // ---- tiny DOM helpers ------------------------------------------------------------------
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, kids);
    return el;
  }
  function s(tag, attrs, kids) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setAttrs(el, attrs);
    append(el, kids);
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') el.textContent = String(v);
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k === 'className' ? 'class' : k, String(v));
    });
  }
  function append(el, kids) {
    if (kids === undefined || kids === null || kids === false) return;
    if (!Array.isArray(kids)) kids = [kids];
    kids.forEach(function (k) {
      if (k === undefined || k === null || k === false) return;
      if (Array.isArray(k)) append(el, k);
      else el.appendChild(typeof k === 'string' || typeof k === 'number' ? document.createTextNode(String(k)) : k);
    });
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function link(id, label) { return '#!/node/' + encodeURIComponent(id); }

  // ---- data ------------------------------------------------------------------------------
  function load(name) {
    return fetch(name, { cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
  }
  function index() {
    var m = S.manifest;
    S.all = {};
    Object.keys(m.nodes || {}).forEach(function (id) { S.all[id] = m.nodes[id]; });
    ['sources', 'unit_tests', 'exposures', 'metrics', 'semantic_models', 'saved_queries'].forEach(function (k) {
      Object.keys(m[k] || {}).forEach(function (id) { S.all[id] = m[k][id]; });
    });
    S.results = {};
    if (S.runs && S.runs.results) S.runs.results.forEach(function (r) { S.results[r.unique_id] = r; });
    S.tests = {};
    S.colTests = {};
    Object.keys(S.all).forEach(function (id) {
      var n = S.all[id];
      if (!isTest(n)) return;
      var targets = n.attached_node ? [n.attached_node] : (n.depends_on && n.depends_on.nodes) || [];
      targets.forEach(function (t) {
        (S.tests[t] = S.tests[t] || []).push(id);
        if (n.column_name) {
          var key = t + '\u0001' + n.column_name;
          (S.colTests[key] = S.colTests[key] || []).push(id);
        }
      });
    });
  }
  function parents(id) { return (S.manifest.parent_map[id] || []).filter(function (p) { return S.all[p]; }); }
  function children(id) { return (S.manifest.child_map[id] || []).filter(function (c) { return S.all[c]; }); }
  function catalogEntry(id) {
    if (!S.catalog) return null;
    return (S.catalog.nodes && S.catalog.nodes[id]) || (S.catalog.sources && S.catalog.sources[id]) || null;
  }
  function hasType(t) { return Object.keys(S.all).some(function (id) { return S.all[id].resource_type === t; }); }
  function displayName(n) { return n.resource_type === 'source' ? n.source_name + '.' + n.name : n.name; }
  function statusClass(v) {
    var t = String(v === null || v === undefined ? '' : v).trim().toLowerCase();
    if (/^(pass|passed|success|ok|excellent|healthy|green)$/.test(t)) return 'good';
    if (/^(warn|warning|good|fair|medium|amber|yellow)$/.test(t)) return 'warn';
    if (/^(fail|failed|error|errored|needs attention|critical|bad|poor|red)$/.test(t)) return 'bad';
    return '';
  }
  function statusPill(v) { return h('span', { className: 'status ' + statusClass(v), text: String(v) }); }
  function runPill(r) { return h('span', { className: 'status ' + statusClass(r.status), text: r.status }); }
  function bytes(n) {
    n = Number(n);
    var u = ['B', 'KB', 'MB', 'GB', 'TB'], i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return fmt.format(n) + ' ' + u[i];
  }
  function isNumType(t) { return /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/.test(t || ''); }

  // A unit test's model, fixtures and expected rows; an exposure's or semantic resource's YAML keys.
  function definitionOf(n) {
    var keep = n.resource_type === 'unit_test' ? ['model', 'given', 'expect', 'overrides']
      : Object.keys(n).filter(function (k) { return ['type', 'owner', 'maturity', 'url', 'label', 'model', 'defaults', 'entities', 'measures', 'dimensions', 'primary_entity', 'type_params', 'filter', 'query_params', 'exports'].indexOf(k) >= 0; });
    var shown = {};
    keep.forEach(function (k) { if (n[k] !== undefined && n[k] !== null) shown[k] = n[k]; });
    return h('div', { 'data-test': 'definition' }, [h('h2', { text: n.resource_type === 'unit_test' ? 'Test case' : 'Definition' }),
      h('pre', { className: 'sql' }, h('code', { text: JSON.stringify(shown, null, 2) }))]);
  }

  // ---- sidebar ---------------------------------------------------------------------------
  function matches(n, q) {
    if (!q) return true;
    var hay = [n.name, n.unique_id, n.description || '', (n.tags || []).join(' '), n.source_name || '', n.schema || '']
      .concat(Object.keys(n.columns || {})).join(' ').toLowerCase();
    return q.split(/\s+/).every(function (w) { return hay.indexOf(w) >= 0; });
  }
  function renderList() {
    var list = clear(document.getElementById('node-list'));
    var q = S.query.trim().toLowerCase();
    var current = currentNodeId();
    var total = 0;
    TYPES.forEach(function (t) {
      var ids = Object.keys(S.all).filter(function (id) { return S.all[id].resource_type === t[0] && matches(S.all[id], q); });
      ids.sort(function (a, b) { return displayName(S.all[a]).localeCompare(displayName(S.all[b])); });
      if (ids.length === 0) return;
      total += ids.length;
      list.appendChild(h('div', { className: 'group-title', 'data-group': t[0] }, [h('span', { text: t[1] }), h('span', { text: ids.length })]));
      var limit = q ? 300 : (t[0] === 'test' ? 60 : 400);
      ids.slice(0, limit).forEach(function (id) {
        var n = S.all[id];
        list.appendChild(h('a', { className: 'item' + (id === current ? ' active' : ''), href: link(id), 'data-id': id, title: id },
          [h('span', { className: 'dot ' + n.resource_type }), h('span', { className: 'name', text: displayName(n) })]));
      });
      if (ids.length > limit) list.appendChild(h('div', { className: 'more', text: '+ ' + (ids.length - limit) + ' more (search to narrow)' }));
    });
    if (total === 0) list.appendChild(h('div', { className: 'more', text: 'Nothing matches "' + S.query + '"' }));
  }

  // ---- lineage graph ---------------------------------------------------------------------
  function curve(pts) {
    var d = 'M' + pts[0].x + ',' + pts[0].y;
    for (var i = 1; i < pts.length; i++) {
      var a = pts[i - 1], b = pts[i], mx = (a.x + b.x) / 2;
      d += ' C' + mx + ',' + a.y + ' ' + mx + ',' + b.y + ' ' + b.x + ',' + b.y;
    }
    return d;
  }
  function shorten(t, n) { return t.length > n ? t.slice(0, n - 1) + '\u2026' : t; }
  function graphView(ids, focus, opts) {
    opts = opts || {};
    var set = {};
    ids.forEach(function (id) { set[id] = true; });
    // A materialized view writing into another model is drawn as edges from its sources to that
    // target (labelled with the view), not as a table of its own, unless it is the page's subject.
    var via = {};
    var edges = [];
    var shown = ids.filter(function (id) { return id === focus || !mvTargetOf(id); });
    var visible = {};
    shown.forEach(function (id) { visible[id] = true; });
    ids.forEach(function (id) {
      var target = id === focus ? null : mvTargetOf(id);
      if (target) {
        if (!visible[target]) return;
        parents(id).forEach(function (p) {
          if (p === target || !visible[p]) return;
          var k = p + '\u0001' + target;
          if (!via[k]) edges.push([p, target]);
          (via[k] = via[k] || []).push(S.all[id].name);
        });
        return;
      }
      // A view drawn as a node (its own page) points at its target, which the DAG builds before it.
      var own = mvTargetOf(id);
      parents(id).forEach(function (p) { if (visible[p] && set[p]) edges.push(p === own ? [id, p] : [p, id]); });
    });
    ids = shown;
    var lay = Layout.layout({ nodes: ids, edges: edges }, { layerGap: NODE_W + 70, rowGap: NODE_H + 16 });
    var pad = 20;
    var W = lay.width + NODE_W + pad * 2, H = lay.height + NODE_H + pad * 2;
    var root = s('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'data-crossings': lay.crossings, role: 'img' });
    var gEdges = s('g'), gNodes = s('g');
    root.appendChild(gEdges);
    root.appendChild(gNodes);
    var ox = pad, oy = pad + NODE_H / 2;
    lay.edges.forEach(function (e) {
      var pts = e.points.map(function (p) { return { x: p.x + ox, y: p.y + oy }; });
      pts[0] = { x: pts[0].x + NODE_W, y: pts[0].y };
      var hot = focus && (e.from === focus || e.to === focus);
      var views = via[e.from + '\u0001' + e.to];
      gEdges.appendChild(s('path', { className: 'edge' + (hot ? ' hot' : '') + (views ? ' mv' : ''), d: curve(pts), 'data-from': e.from, 'data-to': e.to, 'data-via': views ? views.join(' ') : null, 'marker-end': 'url(#arrow)' },
        views ? s('title', { text: 'materialized view ' + views.join(', ') }) : null));
    });
    var defs = s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#9aa6b8' })));
    root.insertBefore(defs, gEdges);
    lay.nodes.forEach(function (p) {
      var n = S.all[p.id];
      var g = s('g', { className: 'gnode ' + n.resource_type + (p.id === focus ? ' focus' : ''), 'data-id': p.id, transform: 'translate(' + (p.x + ox) + ',' + (p.y + oy - NODE_H / 2) + ')', tabindex: 0 });
      g.appendChild(s('title', { text: n.unique_id }));
      g.appendChild(s('rect', { width: NODE_W, height: NODE_H, rx: 6, ry: 6 }));
      g.appendChild(s('text', { x: 10, y: NODE_H / 2 + 4, text: shorten(displayName(n), 27) }));
      var go = function () { location.hash = link(p.id); };
      g.addEventListener('click', go);
      g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') go(); });
      g.addEventListener('mouseenter', function () {
        gEdges.querySelectorAll('path').forEach(function (el) {
          el.classList.toggle('hot', el.getAttribute('data-from') === p.id || el.getAttribute('data-to') === p.id);
        });
      });
      gNodes.appendChild(g);
    });
    var box = h('div', { className: 'graph' + (opts.full ? ' full' : ''), 'data-nodes': lay.nodes.length }, root);
    var scale = 1;
    function zoom(f) {
      scale = f === 0 ? Math.max(0.45, Math.min(1, (box.clientWidth - 4) / W)) : Math.max(0.2, Math.min(2.5, scale * f));
      root.setAttribute('width', String(Math.round(W * scale)));
      root.setAttribute('height', String(Math.round(H * scale)));
    }
    var legend = h('div', { className: 'legend' }, TYPES.filter(function (t) { return !isTest({ resource_type: t[0] }) && (!OPTIONAL[t[0]] || hasType(t[0])); }).map(function (t) { return h('span', null, [h('span', { className: 'dot ' + t[0] }), t[1]]); }));
    var bar = h('div', { className: 'toolbar' }, [
      h('button', { text: '\u2212', title: 'Zoom out', onclick: function () { zoom(1 / 1.25); } }),
      h('button', { text: '+', title: 'Zoom in', onclick: function () { zoom(1.25); } }),
      h('button', { text: 'Fit', title: 'Fit to width', onclick: function () { zoom(0); } }),
      opts.extra || null,
      h('span', { className: 'note', text: lay.nodes.length + ' nodes, ' + lay.edges.length + ' edges' }),
      legend,
    ]);
    if (opts.fit) setTimeout(function () { if (box.clientWidth < W) zoom(0); }, 0);
    return h('div', { className: 'lineage' }, [bar, box]);
  }
  /** The unique id of the model a materialized view model writes into (its target config), if it has one. */
  function mvTargetOf(id) {
    var n = S.all[id];
    if (!n || n.resource_type !== 'model' || !n.config || n.config.materialized !== 'materialized_view' || !n.config.target) return null;
    var found = null;
    (parents(id) || []).forEach(function (p) { if (S.all[p] && S.all[p].name === n.config.target && S.all[p].resource_type === 'model') found = p; });
    return found;
  }
  function neighbourhood(id, depth) {
    var out = {}, withTests = isTest(S.all[id]);
    out[id] = true;
    [parents, children].forEach(function (next) {
      var frontier = [id], level = 0;
      while (frontier.length && (depth <= 0 || level < depth)) {
        var nf = [];
        frontier.forEach(function (n) {
          next(n).forEach(function (m) {
            if (out[m] || (!withTests && isTest(S.all[m]))) return;
            out[m] = true;
            nf.push(m);
          });
        });
        frontier = nf;
        level++;
      }
    });
    return Object.keys(out);
  }

  // ---- pages -----------------------------------------------------------------------------
  function section(title, body) { return [h('h2', { text: title }), body]; }
  function constraintChip(c) {
    var text = c.type + (c.expression ? ': ' + c.expression : '') + (c.columns ? ' (' + c.columns.join(', ') + ')' : '');
    return h('span', { className: 'tag constraint', title: c.name ? 'constraint ' + c.name : 'constraint', text: text });
  }
  function kvTable(obj) {
    var rows = Object.keys(obj).filter(function (k) {
      var v = obj[k];
      return !(v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0));
    }).sort().map(function (k) {
      var v = obj[k];
      return h('tr', null, [h('td', { text: k }), h('td', null, h('code', { text: typeof v === 'object' ? JSON.stringify(v) : String(v) }))]);
    });
    return rows.length ? h('table', { className: 'kv' }, h('tbody', null, rows)) : h('p', { className: 'empty', text: 'Defaults only.' });
  }
  function nodeLinks(ids, empty) {
    if (!ids.length) return h('p', { className: 'empty', text: empty });
    ids = ids.slice().sort(function (a, b) { return displayName(S.all[a]).localeCompare(displayName(S.all[b])); });
    return h('ul', null, ids.map(function (id) {
      var n = S.all[id], r = S.results[id];
      return h('li', null, h('a', { href: link(id) }, [h('span', { className: 'dot ' + n.resource_type }), displayName(n), r ? runPill(r) : null]));
    }));
  }
  function testChip(id) {
    var t = S.all[id], r = S.results[id];
    var name = t.test_metadata ? t.test_metadata.name : t.name;
    return h('a', { href: link(id), className: 'status ' + (r ? statusClass(r.status) : ''), title: t.name + (r ? ' \u2014 ' + r.status : ''), style: 'margin:0 4px 4px 0;text-decoration:none' }, name);
  }

  function pageOverview(main) {
    var counts = {};
    Object.keys(S.all).forEach(function (id) { var t = S.all[id].resource_type; counts[t] = (counts[t] || 0) + 1; });
    main.appendChild(h('h1', { text: S.manifest.metadata.project_name || 'Project' }));
    main.appendChild(h('div', { className: 'sub', text: 'Generated ' + new Date(S.manifest.metadata.generated_at).toLocaleString() }));
    // The project's {% docs __overview__ %} block, as dbt's docs site shows it on its home page.
    var overview = (S.manifest.docs || {})['doc.' + S.manifest.metadata.project_name + '.__overview__'];
    if (overview) main.appendChild(h('p', { className: 'desc overview', text: overview.block_contents }));
    // A Snapshots card only in projects that have snapshots.
    main.appendChild(h('div', { className: 'cards' }, TYPES.filter(function (t) { return !OPTIONAL[t[0]] || counts[t[0]]; }).map(function (t) {
      return h('div', { className: 'card kpi' }, [h('div', { className: 'n', text: counts[t[0]] || 0 }), h('div', { className: 'l', text: t[1] })]);
    })));
    if (S.runs && S.runs.results) {
      var by = {};
      S.runs.results.forEach(function (r) { by[r.status] = (by[r.status] || 0) + 1; });
      main.appendChild(h('h2', { text: 'Last run' }));
      main.appendChild(h('div', { className: 'card run' }, [
        h('span', { text: (S.runs.args && S.runs.args.which ? 'tsdbt ' + S.runs.args.which : 'run') + ' \u00b7 ' + fmt.format(S.runs.elapsed_time) + 's \u00b7 ' + new Date(S.runs.metadata.generated_at).toLocaleString() }),
        Object.keys(by).sort().map(function (k) { return h('span', { className: 'status ' + statusClass(k), text: k + ' ' + by[k] }); }),
      ]));
    }
    var dashes = (S.dashboards && S.dashboards.dashboards) || [];
    if (dashes.length) {
      main.appendChild(h('h2', { text: 'Dashboards' }));
      main.appendChild(h('div', { className: 'cards' }, dashes.map(function (d) {
        return h('a', { className: 'card', href: '#!/dashboards/' + encodeURIComponent(d.name), style: 'text-decoration:none;color:inherit' }, [h('h3', { text: d.name }), summary(d)]);
      })));
    }
    main.appendChild(h('h2', { text: 'Lineage' }));
    main.appendChild(graphView(Object.keys(S.all).filter(function (id) { return !isTest(S.all[id]); }), null, { fit: true }));
  }

  function pageLineage(main) {
    main.appendChild(h('h1', { text: 'Project lineage' }));
    main.appendChild(h('div', { className: 'sub', text: 'Sources, seeds and models, left to right in dependency order. Click a node to open it.' }));
    main.appendChild(graphView(Object.keys(S.all).filter(function (id) { return !isTest(S.all[id]); }), null, { full: true, fit: true }));
  }

  function pageNode(main, id) {
    var n = S.all[id];
    if (!n) { main.appendChild(h('h1', { text: 'Not found' })); main.appendChild(h('p', { text: id })); return; }
    var cat = catalogEntry(id), r = S.results[id];
    main.appendChild(h('h1', null, [h('span', { className: 'badge ' + n.resource_type, text: n.resource_type }), displayName(n)]));
    var rel = n.relation_name ? n.relation_name.replace(/\u0060/g, '') : null;
    main.appendChild(h('div', { className: 'sub' }, [
      rel ? h('span', { className: 'mono', text: rel }) : null,
      n.config && n.config.materialized && n.resource_type === 'model' ? ' \u00b7 ' + n.config.materialized : null,
      n.version !== undefined && n.version !== null ? ' \u00b7 version ' + n.version + (n.version === n.latest_version ? ' (latest)' : ' (latest: ' + n.latest_version + ')') : null,
      n.contract && n.contract.enforced ? h('span', { className: 'tag', 'data-test': 'contract', title: 'The build checks the columns against this contract and casts them to its types', text: 'contract enforced' }) : null,
      n.config && n.resource_type === 'snapshot' ? ' \u00b7 ' + n.config.strategy + ' strategy, unique_key ' + [].concat(n.config.unique_key).join(', ') : null,
      ' \u00b7 ', h('span', { className: 'mono', text: n.original_file_path }),
    ]));
    if (n.tags && n.tags.length) main.appendChild(h('div', null, n.tags.map(function (t) { return h('span', { className: 'tag', text: t }); })));
    main.appendChild(h('p', { className: n.description ? 'desc' : 'desc empty', text: n.description || 'No description.' }));

    var facts = [];
    if (r) facts.push(h('div', { className: 'card run', 'data-test': 'last-run' }, [
      h('strong', { text: 'Last run' }), runPill(r),
      h('span', { text: fmt.format(r.execution_time) + 's' }),
      r.timing && r.timing.length ? h('span', { className: 'note', text: 'started ' + new Date(r.timing[0].started_at).toLocaleString() }) : null,
      r.message ? h('span', { className: 'mono', text: String(r.message).split('\n')[0].slice(0, 160) }) : null,
    ]));
    else facts.push(h('div', { className: 'card run' }, [h('strong', { text: 'Last run' }), h('span', { className: 'empty', text: 'not in the last run_results.json' })]));
    if (cat) {
      var st = cat.stats || {};
      facts.push(h('div', { className: 'cards', style: 'margin-top:12px' }, [
        st.row_count ? h('div', { className: 'card kpi' }, [h('div', { className: 'n', text: fmt.format(st.row_count.value) }), h('div', { className: 'l', text: 'rows' })]) : null,
        st.bytes ? h('div', { className: 'card kpi' }, [h('div', { className: 'n', text: bytes(st.bytes.value) }), h('div', { className: 'l', text: 'on disk' })]) : null,
        st.engine ? h('div', { className: 'card kpi' }, [h('div', { className: 'n', style: 'font-size:18px', text: st.engine.value }), h('div', { className: 'l', text: 'engine' })]) : null,
      ]));
    }
    main.appendChild(h('div', null, facts));

    if (n.resource_type === 'unit_test' || n.resource_type === 'exposure' || n.resource_type === 'metric' || n.resource_type === 'semantic_model' || n.resource_type === 'saved_query') main.appendChild(definitionOf(n));
    else if (n.resource_type !== 'test') {
      var names = Object.keys(n.columns || {});
      if (cat) Object.keys(cat.columns).forEach(function (c) { if (names.indexOf(c) < 0) names.push(c); });
      var index = function (c) { return cat && cat.columns[c] ? cat.columns[c].index : 1e9; };
      names.sort(function (a, b) { return index(a) - index(b); });
      var rows = names.map(function (c) {
        var m = (n.columns || {})[c] || {}, k = cat && cat.columns[c];
        var traced = S.cols.has(id, c);
        return h('tr', { 'data-column': c }, [
          h('td', null, traced ? h('a', { href: S.cols.href(id, c), title: 'column lineage' }, h('code', { text: c })) : h('code', { text: c })),
          h('td', null, [h('code', { text: (k && k.type) || m.data_type || S.cols.type(id, c) || '' })].concat((m.constraints || []).map(constraintChip))),
          h('td', { className: m.description ? '' : 'empty', text: m.description || '' }),
          h('td', null, (S.colTests[id + '\u0001' + c] || []).map(testChip)),
        ]);
      });
      main.appendChild(h('h2', { text: 'Columns' }));
      main.appendChild(rows.length ? h('table', { className: 'columns' }, [h('thead', null, h('tr', null, ['Column', 'Type', 'Description', 'Tests'].map(function (t) { return h('th', { text: t }); }))), h('tbody', null, rows)])
        : h('p', { className: 'empty', text: 'No columns documented or found in the warehouse.' }));
      if (n.constraints && n.constraints.length) append(main, section('Constraints', h('div', null, n.constraints.map(constraintChip))));
      var nodeTests = (S.tests[id] || []).filter(function (t) { return !S.all[t].column_name; });
      if (nodeTests.length) append(main, section('Tests', h('div', null, nodeTests.map(testChip))));
    } else {
      var meta = n.test_metadata;
      append(main, section('Test', kvTable({ test: meta ? meta.name : 'singular', column: n.column_name, attached_to: n.attached_node, arguments: meta ? meta.kwargs : null, severity: n.config && n.config.severity })));
    }

    var ups = parents(id), downs = children(id).filter(function (c) { return !isTest(S.all[c]); });
    append(main, section('Lineage', h('div', { className: 'links' }, [
      h('div', { className: 'card upstream' }, [h('h3', { text: 'Upstream (' + ups.length + ')' }), nodeLinks(ups, 'None: a root.')]),
      h('div', { className: 'card downstream' }, [h('h3', { text: 'Downstream (' + downs.length + ')' }), nodeLinks(downs, 'Nothing depends on it.')]),
    ])));
    var holder = h('div', { style: 'margin-top:12px' });
    var depthSel = h('select', { title: 'Depth' }, [['1', '1 hop'], ['2', '2 hops'], ['0', 'all']].map(function (o) { return h('option', { value: o[0], text: o[1] }); }));
    depthSel.value = '2';
    var draw = function () { clear(holder).appendChild(graphView(neighbourhood(id, Number(depthSel.value)), id, { extra: depthSel, fit: true })); };
    depthSel.addEventListener('change', draw);
    main.appendChild(holder);
    draw();

    if (n.raw_code !== undefined) {
      var code = h('pre', { className: 'sql' }, h('code', { text: n.compiled_code || n.raw_code }));
      var tabs = h('div', { className: 'tabs' });
      var show = function (which) {
        code.firstChild.textContent = which === 'compiled' ? (n.compiled_code || '-- not compiled (run tsdbt docs generate)') : n.raw_code;
        tabs.querySelectorAll('button').forEach(function (b) { b.classList.toggle('active', b.getAttribute('data-tab') === which); });
      };
      ['compiled', 'source'].forEach(function (t) { tabs.appendChild(h('button', { 'data-tab': t, text: t === 'compiled' ? 'Compiled SQL' : 'Source', onclick: function () { show(t); } })); });
      append(main, section('Code', h('div', null, [tabs, code])));
      show('compiled');
    }
    append(main, section('Config', kvTable(n.config || {})));
  }

  // ---- dashboards ------------------------------------------------------------------------
  function summary(d) {
    var col = d.spec.status[0];
    if (!col) return h('div', { className: 'note', text: d.rows.length + ' rows' });
    var by = {};
    d.rows.forEach(function (r) { var v = r[col]; by[v] = (by[v] || 0) + 1; });
    return h('div', { className: 'dash-summary' }, Object.keys(by).sort().map(function (k) { return h('span', { className: 'status ' + statusClass(k), text: k + ': ' + by[k] }); }));
  }
  function barChart(title, rows, spec) {
    var labelW = 210, barW = 230, valueW = 200, rowH = 26, top = 8;
    var W = labelW + barW + valueW, H = top * 2 + rows.length * rowH;
    // Scales down with its card (viewBox), never up.
    var svg = s('svg', { className: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title, preserveAspectRatio: 'xMinYMin meet', style: 'width:100%;height:auto;max-width:' + W + 'px' });
    var vals = rows.map(function (r) { return Number(r[spec.value]); });
    var common = Math.max.apply(null, vals.map(function (v) { return Math.abs(v) || 0; }).concat([1e-9]));
    rows.forEach(function (r, i) {
      var v = Number(r[spec.value]) || 0, t = spec.target ? Number(r[spec.target]) : NaN;
      var hasTarget = isFinite(t) && t > 0 && t !== v;
      var max = hasTarget ? Math.max(Math.abs(v), t) * 1.08 : common;
      var y = top + i * rowH, cls = spec.status[0] ? statusClass(r[spec.status[0]]) : '';
      var label = spec.label ? String(r[spec.label]) : String(i + 1);
      svg.appendChild(s('text', { className: 'bar-label', x: labelW - 8, y: y + 17, 'text-anchor': 'end', text: shorten(label, 32) }, label.length > 32 ? s('title', { text: label }) : null));
      svg.appendChild(s('rect', { className: 'bar-track', x: labelW, y: y + 5, width: barW, height: 16, rx: 3 }));
      svg.appendChild(s('rect', { className: 'bar ' + cls, x: labelW, y: y + 5, width: Math.max(1, Math.round(barW * Math.min(1, Math.abs(v) / max))), height: 16, rx: 3, 'data-value': v }));
      if (hasTarget) {
        var tx = labelW + Math.round(barW * t / max);
        svg.appendChild(s('line', { className: 'target', x1: tx, x2: tx, y1: y + 2, y2: y + 24 }, s('title', { text: 'target ' + fmt.format(t) })));
      }
      var unit = spec.unit && r[spec.unit] ? ' ' + r[spec.unit] : '';
      svg.appendChild(s('text', { className: 'bar-value', x: labelW + barW + 8, y: y + 17, text: fmt.format(v) + unit + (hasTarget ? ' / ' + fmt.format(t) : '') }));
    });
    return h('div', { className: 'card chart-card' }, [h('h3', { text: title }), svg]);
  }
  function dashboardView(d) {
    var spec = d.spec, wrap = h('section', { className: 'dash', id: 'dash-' + d.name, 'data-dashboard': d.name });
    wrap.appendChild(h('h2', null, [d.name, ' ', h('a', { href: link(d.unique_id), style: 'font-size:12px;font-weight:400', text: 'model \u2192' })]));
    if (d.description) wrap.appendChild(h('p', { className: 'desc', text: d.description }));
    wrap.appendChild(summary(d));
    if (spec.value && d.rows.length) {
      var groups = {}, order = [];
      d.rows.forEach(function (r) {
        var k = spec.category ? String(r[spec.category]) : '';
        if (!groups[k]) { groups[k] = []; order.push(k); }
        groups[k].push(r);
      });
      var perCategory = spec.category && order.length < d.rows.length;
      var charts = perCategory ? order.map(function (k) { return barChart(k, groups[k], spec); })
        : [barChart(spec.value + (spec.label ? ' by ' + spec.label : ''), d.rows, spec)];
      wrap.appendChild(h('div', { className: 'charts' }, charts));
      if (spec.target) wrap.appendChild(h('div', { className: 'note', text: 'Bars: ' + spec.value + ' against ' + spec.target + ' (the dark tick), each on its own scale.' }));
    }
    var cols = d.columns;
    var table = h('table', { className: 'dash-table' }, [
      h('thead', null, h('tr', null, cols.map(function (c) { return h('th', { text: c.name }); }))),
      h('tbody', null, d.rows.map(function (r) {
        return h('tr', null, cols.map(function (c) {
          var v = r[c.name];
          if (spec.status.indexOf(c.name) >= 0 && statusClass(v)) return h('td', { 'data-status': statusClass(v) }, statusPill(v));
          if (v === null || v === undefined) return h('td', { className: 'empty', text: 'NULL' });
          if (isNumType(c.type)) return h('td', { className: 'num', text: fmt.format(Number(v)) });
          return h('td', { text: typeof v === 'object' ? JSON.stringify(v) : String(v) });
        }));
      })),
    ]);
    wrap.appendChild(h('div', { style: 'overflow:auto' }, table));
    if (d.truncated) wrap.appendChild(h('div', { className: 'note', text: 'First ' + d.rows.length + ' rows.' }));
    return wrap;
  }
  function pageDashboards(main, which) {
    var dashes = (S.dashboards && S.dashboards.dashboards) || [];
    main.appendChild(h('h1', { text: 'Dashboards' }));
    if (!dashes.length) {
      main.appendChild(h('p', { className: 'empty', text: 'No dashboard models were built when the docs were generated (models named *_dashboard, or with meta: {dashboard: true}).' }));
      return;
    }
    main.appendChild(h('div', { className: 'sub', text: 'Data as of ' + new Date(S.dashboards.generated_at).toLocaleString() }));
    dashes.forEach(function (d) { main.appendChild(dashboardView(d)); });
    if (which) setTimeout(function () { var el = document.getElementById('dash-' + which); if (el) el.scrollIntoView(); }, 0);
  }

  // ---- routing ---------------------------------------------------------------------------
  function route() {
    var hash = location.hash.replace(/^#!?\/?/, '');
    var parts = hash.split('/');
    return { page: parts[0] || 'overview', arg: parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : '' };
  }
  function currentNodeId() { var r = route(); return r.page === 'node' ? r.arg : null; }
  function render() {
    var r = route(), main = clear(document.getElementById('main'));
    document.querySelectorAll('header nav a').forEach(function (a) { a.classList.toggle('active', a.getAttribute('data-page') === r.page); });
    if (r.page === 'node') pageNode(main, r.arg);
    else if (r.page === 'lineage') pageLineage(main);
    else if (r.page === 'column') S.cols.page(main, r.arg.slice(0, r.arg.indexOf('/')), r.arg.slice(r.arg.indexOf('/') + 1));
    else if (r.page === 'dashboards') pageDashboards(main, r.arg);
    else pageOverview(main);
    main.scrollTop = 0;
    renderList();
    document.title = (r.page === 'node' && S.all[r.arg] ? displayName(S.all[r.arg]) + ' \u00b7 ' : '') + 'tsdbt docs';
  }

  Promise.all(['manifest.json', 'catalog.json', 'run_results.json', 'dashboards.json', 'lineage.json'].map(load)).then(function (res) {
    S.manifest = res[0]; S.catalog = res[1]; S.runs = res[2]; S.dashboards = res[3];
    S.cols = window.TsdbtColumnLineage({ h: h, s: s, clear: clear, Layout: Layout, lineage: res[4], node: function (id) { return S.all[id]; }, displayName: displayName, link: link, curve: curve, shorten: shorten });
    if (!S.manifest) {
      clear(document.getElementById('main')).appendChild(h('p', { text: 'manifest.json not found: run tsdbt docs generate.' }));
      return;
    }
    index();
    document.getElementById('project-name').textContent = S.manifest.metadata.project_name || '';
    var input = document.getElementById('search');
    input.addEventListener('input', function () { S.query = input.value; renderList(); });
    input.addEventListener('keydown', function (ev) {
      if (ev.key !== 'Enter') return;
      var first = document.querySelector('#node-list a.item');
      if (first) location.hash = first.getAttribute('href');
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.key === '/' && document.activeElement !== input) { ev.preventDefault(); input.focus(); }
    });
    window.addEventListener('hashchange', render);
    render();
    document.body.setAttribute('data-ready', 'true');
  });
})();
`;
