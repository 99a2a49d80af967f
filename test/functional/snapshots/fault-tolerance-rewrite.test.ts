import { faultSuite } from './fault-suite.js';
import { VARIANTS } from './scenario.js';

// The rewrite path (old servers, cluster mode, other engines) shares the staging mechanism: one variant.
faultSuite('rewrite', VARIANTS.slice(0, 1));
