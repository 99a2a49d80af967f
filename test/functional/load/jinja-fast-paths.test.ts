import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadProject, TsdbtProject, type LoadedProject } from '../../../packages/core/src/index.js';
import { ProjectGraph } from '../../../packages/core/src/graph/project-graph.js';
import { setSharedTemplateCode } from '../../../packages/core/src/render/jinja-compat/index.js';
import { setSharedTestRenders } from '../../../packages/core/src/load/generic-test-memo.js';
import { writeManifest } from '../../../packages/core/src/report/artifacts.js';
import { generateProject } from '../../../bench/gen-project.mjs';
import { ROOT } from '../../helpers/cli.js';
import type { TestHub } from '../../helpers/hub-server.js';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';
import { mirrorSharedPackage, SHARED_PACKAGES, startSharedPackagesHub } from '../../helpers/shared-packages.js';

/*
 * The cold load's fast paths for Jinja (issue 17) change nothing a load produces: the manifest of
 * a project loaded with templates sharing compiled code (render/jinja-compat/shared-code.ts), with
 * and without same-shaped sources skipping the parser (source-shape.ts), and generic tests sharing
 * renders (load/generic-test-memo.ts) is byte-identical to the one loaded with every template
 * compiled and every test rendered on its own — on the reference
 * project, the generated projects and the shared packages' integration_tests.
 */

const dirs: string[] = [];
afterEach(() => {
  setSharedTemplateCode(true);
  setSharedTestRenders(true);
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function manifestText(loaded: LoadedProject): string {
  const dir = tempDir('tsdbt-fp-manifest-');
  writeManifest(dir, loaded.manifest, new ProjectGraph(loaded.manifest), 'fixed-invocation');
  return readFileSync(join(dir, 'manifest.json'), 'utf8').replace(/"generated_at":"[^"]*"/, '');
}

/** The manifest with every fast path on, checked against the one with them off; returns it. */
function sameManifest(projectDir: string, profilesDir?: string): string {
  const load = () => manifestText(loadProject({ projectDir, profilesDir, partialParse: false, parseThreads: 1, targetPath: tempDir('tsdbt-fp-target-'), env: {} }));
  setSharedTemplateCode(false);
  setSharedTestRenders(false);
  const alone = load();
  setSharedTemplateCode(true, { fromSource: false });
  const parsed = load();
  setSharedTemplateCode(true);
  setSharedTestRenders(true);
  const fast = load();
  expect(parsed).toBe(alone);
  expect(fast).toBe(alone);
  return fast;
}

describe('Jinja fast paths give the manifest of the plain path', () => {
  it('on the Instacart reference project', () => {
    expect(sameManifest(ROOT)).toContain('"nodes"');
  });

  it.each([['static', false, false], ['Jinja-heavy', true, false], ['varied Jinja', true, true]])('on a generated %s project', (_kind, jinja, varied) => {
    const dir = tempDir('tsdbt-fp-gen-');
    generateProject(300, dir, { jinja, varied });
    // Models of other shapes beside the generated ones: macros, loops, an error-free run-time branch.
    writeFileSync(join(dir, 'models', 'layer_0', 'extra_loop.sql'), "{% set cols = ['a', 'b'] %}select {% for c in cols %}{{ c }} as {{ c }}_{{ loop.index }}{{ ',' if not loop.last }}{% endfor %} from {{ ref('m_00001') }}");
    writeFileSync(join(dir, 'models', 'layer_0', 'extra_inc.sql'), "{{ config(materialized='incremental') }}select 1 as id from {{ ref('m_00002') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}");
    sameManifest(dir);
  });
});

const available = SHARED_PACKAGES !== '';
describe.skipIf(!available)('Jinja fast paths on the shared packages’ integration_tests', () => {
  let hub: TestHub;
  let work: string;
  beforeAll(async () => {
    work = tempDir('tsdbt-fp-packages-');
    hub = await startSharedPackagesHub();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it.each(['dbt_utils', 'dbt_expectations', 'dbt_date', 'codegen', 'audit_helper'])('%s', async (name) => {
    const dir = mirrorSharedPackage(work, name);
    writeFileSync(join(dir, 'profiles.yml'), `integration_tests:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: fp_${name}\n`);
    await TsdbtProject.deps({ projectDir: dir, hubUrl: hub.url, env: {} });
    expect(sameManifest(dir, dir)).toContain('"nodes"');
  });
});
