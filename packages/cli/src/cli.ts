#!/usr/bin/env node
// The command line's entry. A command that sends statements to the warehouse starts the thread that
// opens the embedded one (chDB) first, so that its ~0.1 s of native start-up runs beside the loading
// of tsdbt's modules and of the project (adapter/chdb-ahead.ts); then the program itself loads.
import { startChdbAhead } from '@tsdbt/core/chdb-ahead';
import { embeddedGuess, opensWarehouse } from './warehouse-commands.js';

if (opensWarehouse(process.argv)) {
  const guess = embeddedGuess(process.argv);
  startChdbAhead({ load: guess.embedded, path: guess.path });
}
await import('./main.js');
