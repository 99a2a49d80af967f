/**
 * The docs site's column lineage page (plain JS in a string, like app.ts): `#!/column/<node>/<column>`
 * draws the columns a column is computed from and the ones computed from it, across the DAG, from
 * target/lineage.json. app.ts calls `window.TsdbtColumnLineage(api)` with its helpers.
 */
export const COLUMN_LINEAGE_JS = String.raw`
window.TsdbtColumnLineage = function (api) {
  'use strict';
  var h = api.h, s = api.s, clear = api.clear, Layout = api.Layout;
  var VALUE = { passthrough: 1, rename: 1, transformation: 1 };
  var COL_W = 230, COL_H = 30;
  var up = {}, down = {}, types = {};
  function key(node, column) { return node + '\u0001' + column; }
  function split(k) { var i = k.indexOf('\u0001'); return { node: k.slice(0, i), column: k.slice(i + 1) }; }

  // Edges both ways, built once from lineage.json.
  var nodes = (api.lineage && api.lineage.nodes) || {};
  Object.keys(nodes).forEach(function (id) {
    nodes[id].columns.forEach(function (c) {
      var to = key(id, c.name);
      types[to] = c.data_type;
      c.upstream.forEach(function (u) {
        var from = key(u.node || u.relation, u.column);
        var e = { from: from, to: to, kind: u.kind };
        (up[to] = up[to] || []).push(e);
        (down[from] = down[from] || []).push(e);
      });
    });
  });

  function has(id, column) { return types[key(id, column)] !== undefined; }
  function walk(start, edges, next, keys, depth) {
    var out = [], seen = {}, frontier = [start];
    seen[start] = true;
    for (var level = 0; frontier.length && (!depth || level < depth); level++) {
      var following = [];
      frontier.forEach(function (k) {
        (edges[k] || []).forEach(function (e) {
          if (!keys && !VALUE[e.kind]) return;
          out.push(e);
          var n = next(e);
          if (!seen[n]) { seen[n] = true; following.push(n); }
        });
      });
      frontier = following;
    }
    return out;
  }
  function label(k) {
    var c = split(k), n = api.node(c.node);
    return (n ? api.displayName(n) : c.node) + '.' + c.column;
  }
  function kindOf(k) { var n = api.node(split(k).node); return n ? n.resource_type : 'external'; }
  function href(k) { var c = split(k); return '#!/column/' + encodeURIComponent(c.node) + '/' + encodeURIComponent(c.column); }

  function graph(focus, edges) {
    var ids = [focus], seen = {};
    seen[focus] = true;
    edges.forEach(function (e) { [e.from, e.to].forEach(function (k) { if (!seen[k]) { seen[k] = true; ids.push(k); } }); });
    var pairs = [], kinds = {};
    edges.forEach(function (e) { pairs.push([e.from, e.to]); kinds[e.from + '\u0002' + e.to] = e.kind; });
    var lay = Layout.layout({ nodes: ids, edges: pairs }, { layerGap: COL_W + 80, rowGap: COL_H + 14 });
    var pad = 20, W = lay.width + COL_W + pad * 2, H = lay.height + COL_H + pad * 2;
    var root = s('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', className: 'column-graph' });
    var ox = pad, oy = pad + COL_H / 2;
    lay.edges.forEach(function (e) {
      var pts = e.points.map(function (p) { return { x: p.x + ox, y: p.y + oy }; });
      pts[0] = { x: pts[0].x + COL_W, y: pts[0].y };
      var kind = kinds[e.from + '\u0002' + e.to] || '';
      root.appendChild(s('path', { className: 'edge col-edge ' + kind, d: api.curve(pts), 'data-from': e.from, 'data-to': e.to, 'data-kind': kind }, s('title', { text: kind })));
    });
    lay.nodes.forEach(function (p) {
      var g = s('g', { className: 'gnode ' + kindOf(p.id) + (p.id === focus ? ' focus' : ''), 'data-column': p.id, transform: 'translate(' + (p.x + ox) + ',' + (p.y + oy - COL_H / 2) + ')', tabindex: 0 });
      g.appendChild(s('title', { text: label(p.id) + (types[p.id] ? ' ' + types[p.id] : '') }));
      g.appendChild(s('rect', { width: COL_W, height: COL_H, rx: 6, ry: 6 }));
      g.appendChild(s('text', { x: 10, y: COL_H / 2 + 4, text: api.shorten(label(p.id), 32) }));
      var go = function () { location.hash = href(p.id); };
      g.addEventListener('click', go);
      g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') go(); });
      root.appendChild(g);
    });
    return h('div', { className: 'graph', 'data-nodes': lay.nodes.length }, root);
  }

  function list(title, edges, other, cls) {
    var rows = edges.map(function (e) {
      var k = other(e);
      return h('tr', { 'data-column': label(k), 'data-kind': e.kind }, [
        h('td', null, h('a', { href: href(k), text: label(k) })),
        h('td', null, h('code', { text: types[k] || '' })),
        h('td', { text: e.kind }),
        h('td', null, h('span', { className: 'note', text: label(cls === 'upstream' ? e.to : e.from) })),
      ]);
    });
    return h('div', { className: 'card ' + cls }, [
      h('h3', { text: title + ' (' + edges.length + ')' }),
      rows.length ? h('table', { className: 'columns col-lineage ' + cls }, [
        h('thead', null, h('tr', null, ['Column', 'Type', 'Dependency', cls === 'upstream' ? 'Feeds' : 'From'].map(function (t) { return h('th', { text: t }); }))),
        h('tbody', null, rows),
      ]) : h('p', { className: 'empty', text: 'None.' }),
    ]);
  }

  /** The page of one column: its graph (value dependencies, or all with keys) and both lists. */
  function page(main, id, column) {
    var n = api.node(id), focus = key(id, column);
    main.appendChild(h('h1', null, [h('span', { className: 'badge ' + (n ? n.resource_type : 'model'), text: 'column' }), (n ? api.displayName(n) : id) + '.' + column]));
    main.appendChild(h('div', { className: 'sub' }, [h('code', { text: types[focus] || '?' }), ' \u00b7 ', h('a', { href: api.link(id), text: 'back to ' + (n ? api.displayName(n) : id) })]));
    if (!has(id, column)) {
      main.appendChild(h('p', { className: 'empty', text: api.lineage ? 'No lineage for this column (run tsdbt docs generate, or tsdbt validate).' : 'lineage.json not found: run tsdbt docs generate.' }));
      return;
    }
    var keysBox = h('input', { type: 'checkbox', id: 'col-keys' });
    var holder = h('div');
    var draw = function () {
      var keys = keysBox.checked;
      var ups = walk(focus, up, function (e) { return e.from; }, keys, 0);
      var downs = walk(focus, down, function (e) { return e.to; }, keys, 0);
      clear(holder);
      holder.appendChild(h('div', { className: 'toolbar' }, [h('label', { 'for': 'col-keys' }, [keysBox, ' also join, group-by and filter keys']),
        h('span', { className: 'note', text: ups.length + ' upstream, ' + downs.length + ' downstream dependencies' })]));
      holder.appendChild(h('div', { className: 'lineage' }, graph(focus, ups.concat(downs))));
      holder.appendChild(h('div', { className: 'links' }, [
        list('Computed from', ups, function (e) { return e.from; }, 'upstream'),
        list('Used by', downs, function (e) { return e.to; }, 'downstream'),
      ]));
    };
    keysBox.addEventListener('change', draw);
    main.appendChild(holder);
    draw();
  }

  return { page: page, has: has, href: function (id, column) { return href(key(id, column)); }, type: function (id, column) { return types[key(id, column)]; } };
};
`;
