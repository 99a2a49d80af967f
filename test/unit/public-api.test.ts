import { describe, expect, it } from 'vitest';
import * as core from '../../packages/core/src/index.js';

describe('@tsdbt/core public API', () => {
  it('exports exactly the documented runtime values (anything else is internal)', () => {
    expect(Object.keys(core).sort()).toEqual([
      'ConnectionError', 'DOCS_ARTIFACTS', 'DatabaseError', 'NUMERIC_RULES', 'PROJECT_NAME', 'ProjectError', 'SECRET_ENV_PREFIX', 'TsdbtError', 'TsdbtProject', 'UNUSED_CONFIG_PATHS', 'UsageError',
      'cleanProject', 'diffManifests', 'existingProject', 'generateCatalog', 'generateDocs', 'initProject', 'integerOption', 'isProjectLevelError', 'keepWarmStarts', 'layoutGraph', 'loadProject', 'prepareValidation',
      'reloadProject', 'scrubSecrets', 'secretValues', 'serveDocs', 'startServer', 'watch',
    ]);
  });

  it('errors carry a code, a location and a hint', () => {
    const e = new core.ProjectError('unknown_ref', 'x', { file: 'models/a.sql', line: 3, column: 7, hint: 'h' });
    expect(e).toBeInstanceOf(core.TsdbtError);
    expect([e.code, e.location, e.hint]).toEqual(['unknown_ref', 'models/a.sql:3:7', 'h']);
    expect(core.isProjectLevelError(e)).toBe(true);
    expect(core.isProjectLevelError(new core.DatabaseError('database_error', 'y'))).toBe(false);
  });
});
