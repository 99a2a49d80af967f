import { faultSuite } from './fault-suite.js';
import { VARIANTS } from './scenario.js';

// Lost answers: each statement of a snapshot run runs to its end, then its answer is lost (a dropped
// connection); whatever tsdbt does then (give up, clean up, retry), the snapshot holds the history
// before the run or after it, never a version twice. Both apply paths.
faultSuite('hardlink', VARIANTS, ['lost']);
faultSuite('rewrite', VARIANTS.slice(0, 1), ['lost']);
