import { Command } from 'commander';
import { resolve } from 'node:path';
import { generateDocs, NUMERIC_RULES, serveDocs } from '@tsdbt/core';
import { numericFlag, openProject, selection, untilInterrupted, type GlobalFlags, type Io, type SelectFlags } from './common.js';

/** `tsdbt docs generate`: manifest (compiled), catalog (one warehouse query), dashboards and the site into target/. */
export async function docsGenerateCommand(flags: GlobalFlags & SelectFlags & { compile?: boolean; emptyCatalog?: boolean }, io: Io): Promise<number> {
  const project = openProject(flags, io, {}, true);
  try {
    const result = await generateDocs(project, { compile: flags.compile !== false, selection: selection(flags), emptyCatalog: flags.emptyCatalog === true });
    const relations = Object.keys(result.catalog.nodes).length + Object.keys(result.catalog.sources).length;
    if (flags.logFormat === 'json')
      io.out(JSON.stringify({ target: result.targetDir, compiled: result.compiled, catalog_relations: relations, dashboards: result.dashboards.dashboards.map((d) => d.name), lineage: result.lineage ?? null }));
    else {
      io.out(`Catalog: ${relations} relation${relations === 1 ? '' : 's'} found in the warehouse → ${result.targetDir}/catalog.json`);
      if (result.dashboards.dashboards.length) io.out(`Dashboards: ${result.dashboards.dashboards.map((d) => d.name).join(', ')} → ${result.targetDir}/dashboards.json`);
      const l = result.lineage;
      if (l?.failure) io.err(`Column lineage skipped: ${l.failure}`);
      else if (l) io.out(`Column lineage: ${l.nodes} node${l.nodes === 1 ? '' : 's'} analysed${l.errors ? `, ${l.errors} with errors and no lineage (run tsdbt validate)` : ''} → ${result.targetDir}/lineage.json`);
      io.out(`Docs written to ${result.targetDir} (index.html, manifest.json, catalog.json${l && !l.failure ? ', lineage.json' : ''}). Run \`tsdbt docs serve\` to browse them.`);
    }
    return 0;
  } finally {
    await project.close();
  }
}

/** `tsdbt docs serve`: serves target/ until interrupted (no warehouse connection). */
export async function docsServeCommand(flags: GlobalFlags & { port?: string; host?: string; allowHost?: string[]; allowOrigin?: string[] }, io: Io): Promise<number> {
  const port = numericFlag('--port', flags.port, { ...NUMERIC_RULES.port, example: '8080' }) ?? 8080;
  const project = openProject(flags, io, {}, true);
  const targetDir = resolve(project.targetDir);
  const server = await serveDocs({ targetDir, port, host: flags.host ?? '127.0.0.1', allowHosts: flags.allowHost ?? [], allowOrigins: flags.allowOrigin ?? [] });
  io.out(`Serving docs of ${targetDir} at ${server.url} (Ctrl-C to stop)`);
  await untilInterrupted(() => server.close());
  return 0;
}

/** Adds `docs generate` and `docs serve` to the program. */
export function registerDocsCommands(
  program: Command,
  withGlobals: (cmd: Command) => Command,
  withSelect: (cmd: Command) => Command,
  action: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>,
  io: Io,
): void {
  const many = (value: string, previous: string[] = []) => [...previous, value];
  const docs = program.command('docs').description('generate and serve the project documentation site');
  // dbt's docs generate takes the selection flags (the catalog of the selected nodes) and --state/--defer.
  withSelect(withGlobals(docs.command('generate').description('write manifest.json, catalog.json, dashboards.json and index.html into target/')))
    .option('--no-compile', 'do not compile the models first (manifest without compiled SQL)')
    .option('--empty-catalog', 'write catalog.json with no relations, without asking the warehouse (as dbt)')
    .action(action((flags: GlobalFlags & SelectFlags & { compile?: boolean; emptyCatalog?: boolean }) => docsGenerateCommand(flags, io)));
  withGlobals(docs.command('serve').description('serve the generated docs site over HTTP'))
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--allow-host <name>', 'answer requests addressed to this host name (besides IP addresses, localhost and this machine); repeatable', many)
    .option('--allow-origin <origin>', 'let web pages of this origin (e.g. http://localhost:3000) read the docs artifacts; repeatable', many)
    .action(action((flags: GlobalFlags & { port?: string; host?: string; allowHost?: string[]; allowOrigin?: string[] }) => docsServeCommand(flags, io)));
}
