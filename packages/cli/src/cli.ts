#!/usr/bin/env node
// The command line's entry. When the project has a resident process (`tsdbt daemon`), the command line
// goes to it and this process only relays its output (resident/resident-client.ts: nothing else loads).
// Otherwise, a command that sends statements to the warehouse starts the thread that
// opens the embedded one (chDB) first, so that its ~0.1 s of native start-up runs beside the loading
// of tsdbt's modules and of the project (adapter/chdb-ahead.ts); a command that loads a project stats
// its warm start's inputs on another thread meanwhile (load/stat-ahead.ts); then the program itself loads: the
// CLI and @tsdbt/core as one CommonJS bundle through V8's code cache (code-cache.ts, built by
// scripts/bundle-cli.mjs), or the modules themselves when there is no bundle (TSDBT_CLI_BUNDLE=0).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInResident } from './resident/resident-client.js';

const bundle = fileURLToPath(new URL('./cli-bundle.cjs', import.meta.url));
const useBundle = process.env.TSDBT_CLI_BUNDLE !== '0' && existsSync(bundle);

const resident = useBundle ? await runInResident(process.argv, bundle) : undefined;
if (resident !== undefined) process.exitCode = resident;
else await runHere();

/** Runs the command in this process. */
async function runHere(): Promise<void> {
  const [{ startChdbAhead }, { startStatAhead }, { codeCacheDir, loadWithCodeCache }, { warmStartGuess }, { embeddedGuess, opensWarehouse }] = await Promise.all([
    import('@tsdbt/core/chdb-ahead'),
    import('@tsdbt/core/stat-ahead'),
    import('./code-cache.js'),
    import('./warm-guess.js'),
    import('./warehouse-commands.js'),
  ]);
  if (opensWarehouse(process.argv)) {
    // Not for a server target, nor for a warehouse another process holds (its endpoint is used): the thread would only cost
    // its start (a V8 isolate: ~20 ms of this thread's CPU, more of the process's).
    const guess = embeddedGuess(process.argv);
    if (guess.embedded) startChdbAhead({ load: true, path: guess.path });
  }

  // The warm start's stat scans (and `compile`'s of its compiled files) on another thread while the program loads.
  const warm = warmStartGuess(process.argv);
  if (warm) startStatAhead(warm);

  type Main = typeof import('./main.js');
  let main: Main;
  if (useBundle) {
    // The bundle's core modules locate their files (macros/, worker scripts) from core's dist/, and its packages (nunjucks, chdb…) resolve from there.
    const coreEntry = import.meta.resolve('@tsdbt/core');
    const loaded = loadWithCodeCache(bundle, {
      requireFrom: fileURLToPath(coreEntry),
      globals: { __tsdbtCoreDist: new URL('.', coreEntry).href, __tsdbtCliDist: new URL('.', import.meta.url).href },
      cacheDir: codeCacheDir(),
    });
    main = loaded.exports as unknown as Main;
  } else {
    main = await import('./main.js');
  }
  await main.runCli();
}
