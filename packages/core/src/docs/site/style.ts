/** The docs site's stylesheet (inlined into index.html; no external fonts or CDN). */
export const SITE_CSS = String.raw`
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #637083; --line: #dfe3ea; --accent: #2f6fde;
  --model: #2f6fde; --source: #1f9d6b; --seed: #c98512; --snapshot: #8a4fd1; --test: #7b8494;
  --good: #1f9d55; --good-bg: #e3f6eb; --warn: #b7791f; --warn-bg: #fdf3dc; --bad: #d64545; --bad-bg: #fde8e8;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); display: grid; grid-template-rows: 48px 1fr; grid-template-columns: 300px 1fr; }
header { grid-column: 1 / 3; display: flex; align-items: center; gap: 18px; padding: 0 18px; background: #16203a; color: #fff; }
header .brand { font-weight: 700; letter-spacing: .3px; }
header .brand small { font-weight: 400; opacity: .7; margin-left: 6px; }
header nav { display: flex; gap: 4px; margin-left: 12px; }
header nav a { color: #cfd8ea; text-decoration: none; padding: 6px 12px; border-radius: 6px; }
header nav a.active, header nav a:hover { background: rgba(255,255,255,.12); color: #fff; }
header .meta { margin-left: auto; font-size: 12px; opacity: .7; }
aside { background: var(--panel); border-right: 1px solid var(--line); display: flex; flex-direction: column; min-height: 0; }
aside .search { padding: 12px; border-bottom: 1px solid var(--line); }
aside input { width: 100%; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
aside input:focus { outline: 2px solid var(--accent); border-color: transparent; }
#node-list { overflow: auto; flex: 1; padding: 6px 0 18px; }
.group-title { font-size: 11px; text-transform: uppercase; letter-spacing: .6px; color: var(--muted); padding: 10px 14px 4px; display: flex; justify-content: space-between; }
.item { display: flex; align-items: center; gap: 8px; padding: 4px 14px; color: var(--ink); text-decoration: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.item:hover { background: #eef3fd; }
.item.active { background: #e2ebfc; font-weight: 600; }
.item .name { overflow: hidden; text-overflow: ellipsis; }
.more { color: var(--muted); padding: 4px 14px; font-size: 12px; }
.dot { width: 8px; height: 8px; border-radius: 50%; flex: none; }
.dot.model { background: var(--model); } .dot.source { background: var(--source); } .dot.seed { background: var(--seed); } .dot.test { background: var(--test); } .dot.snapshot { background: var(--snapshot); } .dot.unit_test { background: var(--test); } .dot.exposure, .dot.metric, .dot.semantic_model, .dot.saved_query { background: #8a6fb5; }
main { overflow: auto; padding: 22px 28px 60px; min-width: 0; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 16px; margin: 26px 0 10px; }
h3 { font-size: 14px; margin: 0 0 8px; }
.sub { color: var(--muted); margin-bottom: 14px; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .4px; padding: 2px 8px; border-radius: 10px; color: #fff; vertical-align: middle; margin-right: 6px; }
.badge.model { background: var(--model); } .badge.source { background: var(--source); } .badge.seed { background: var(--seed); } .badge.test { background: var(--test); } .badge.snapshot { background: var(--snapshot); } .badge.unit_test { background: var(--test); } .badge.exposure, .badge.metric, .badge.semantic_model, .badge.saved_query { background: #8a6fb5; }
.tag { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px; background: #eef1f6; color: #44506a; margin: 0 4px 4px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.kpi .n { font-size: 26px; font-weight: 700; }
.kpi .l { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .5px; }
.desc { white-space: pre-wrap; max-width: 900px; }
.empty { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f0f2f6; font-size: 12px; color: #46516a; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td code, .mono { font-family: var(--mono); font-size: 12.5px; }
tr:last-child td { border-bottom: none; }
.kv td:first-child { width: 200px; color: var(--muted); }
pre.sql { background: #0f1629; color: #e3e9f5; padding: 14px 16px; border-radius: 8px; overflow: auto; font: 12.5px/1.5 var(--mono); max-height: 520px; margin: 0; }
.tabs { display: flex; gap: 4px; margin-bottom: 8px; }
.tabs button, .toolbar button, .toolbar select { font: inherit; font-size: 12px; padding: 4px 10px; border: 1px solid var(--line); background: var(--panel); border-radius: 6px; cursor: pointer; }
.tabs button.active { background: var(--accent); color: #fff; border-color: var(--accent); }
.status { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eef1f6; color: #44506a; }
.status.good { background: var(--good-bg); color: var(--good); }
.status.warn { background: var(--warn-bg); color: var(--warn); }
.status.bad { background: var(--bad-bg); color: var(--bad); }
.run { display: flex; gap: 18px; align-items: center; flex-wrap: wrap; }
.links { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.links ul { margin: 0; padding: 0; list-style: none; }
.links li a { display: flex; gap: 8px; align-items: center; padding: 3px 0; color: var(--accent); text-decoration: none; }
.links li a:hover { text-decoration: underline; }
a { color: var(--accent); }
.graph { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; overflow: auto; max-height: 70vh; position: relative; }
.graph.full { max-height: calc(100vh - 190px); }
.toolbar { display: flex; gap: 6px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
.toolbar .legend { margin-left: auto; display: flex; gap: 12px; font-size: 12px; color: var(--muted); align-items: center; }
.toolbar .legend span { display: inline-flex; gap: 5px; align-items: center; }
svg .edge { fill: none; stroke: #9aa6b8; stroke-width: 1.4; }
svg .edge.hot { stroke: var(--accent); stroke-width: 2.4; }
svg .edge.mv { stroke-dasharray: 6 4; }
svg .col-edge.join, svg .col-edge.group_by, svg .col-edge.filter { stroke-dasharray: 4 3; stroke: #c0c8d4; }
svg .gnode { cursor: pointer; }
svg .gnode rect { stroke-width: 1.5; rx: 6; }
svg .gnode text { font-size: 12px; fill: var(--ink); pointer-events: none; }
svg .gnode.model rect { fill: #e6eefc; stroke: var(--model); }
svg .gnode.source rect { fill: #e1f4ec; stroke: var(--source); }
svg .gnode.seed rect { fill: #fcf1dc; stroke: var(--seed); }
svg .gnode.snapshot rect { fill: #f1e8fb; stroke: var(--snapshot); }
svg .gnode.test rect { fill: #eef0f3; stroke: var(--test); }
svg .gnode:hover rect { stroke-width: 2.5; }
svg .gnode.focus rect { stroke-width: 3; fill: #16203a; }
svg .gnode.focus text { fill: #fff; font-weight: 600; }
svg .bar-label { font-size: 12px; fill: var(--ink); }
svg .bar-value { font-size: 12px; fill: #46516a; font-variant-numeric: tabular-nums; }
svg .bar-track { fill: #f0f2f6; }
svg .bar { fill: var(--accent); }
svg .bar.good { fill: var(--good); } svg .bar.warn { fill: #e0a526; } svg .bar.bad { fill: var(--bad); }
svg .target { stroke: #16203a; stroke-width: 2; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px; margin-bottom: 14px; }
.dash { margin-bottom: 34px; }
.dash-summary { display: flex; gap: 8px; flex-wrap: wrap; margin: 6px 0 12px; }
.note { font-size: 12px; color: var(--muted); margin-top: 6px; }
`;
