import { createLayoutEngine } from '../layout.js';
import { SITE_JS } from './app.js';
import { COLUMN_LINEAGE_JS } from './column-lineage.js';
import { SITE_CSS } from './style.js';

/** `</script>` inside inlined code would end the tag early. */
const inlineSafe = (code: string) => code.replace(/<\/(script|style)/gi, '<\\/$1');

/**
 * The whole docs site as one self-contained HTML page: styles, the layout engine (the very
 * function the unit tests exercise, serialised) and the app. It loads manifest.json, catalog.json,
 * run_results.json and dashboards.json from its own folder.
 */
export function renderIndexHtml(): string {
  const layout = `window.TsdbtLayout = (${createLayoutEngine.toString()})();`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tsdbt docs</title>
<link rel="icon" href="data:,">
<style>${inlineSafe(SITE_CSS)}</style>
</head>
<body>
<header>
  <span class="brand">tsdbt docs<small id="project-name"></small></span>
  <nav>
    <a href="#!/overview" data-page="overview">Overview</a>
    <a href="#!/lineage" data-page="lineage">Lineage</a>
    <a href="#!/dashboards" data-page="dashboards">Dashboards</a>
  </nav>
  <span class="meta">press / to search</span>
</header>
<aside>
  <div class="search"><input id="search" type="search" placeholder="Search models, sources, seeds, tests…" autocomplete="off" aria-label="Search"></div>
  <div id="node-list"></div>
</aside>
<main id="main"><p class="empty">Loading…</p></main>
<script>${inlineSafe(layout)}</script>
<script>${inlineSafe(COLUMN_LINEAGE_JS)}</script>
<script>${inlineSafe(SITE_JS)}</script>
</body>
</html>
`;
}
