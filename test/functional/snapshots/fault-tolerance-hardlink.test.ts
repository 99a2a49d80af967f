import { faultSuite } from './fault-suite.js';
import { VARIANTS } from './scenario.js';

// Every snapshot variant of scenario.ts through the hard-link path (the embedded engine's default).
faultSuite('hardlink', VARIANTS);
