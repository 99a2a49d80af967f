// Builds a selection of a tsdbt project through the library API and prints a summary.
//
//   main({ projectDir: 'examples/quickstart', select: ['+customer_revenue'] })
//
// Run it with a TypeScript runner (`npx tsx examples/library/run-and-report.ts [projectDir] [selector...]`,
// or `node --experimental-strip-types` on Node >= 22.6); test/functional/examples/ imports main().
import { TsdbtError, TsdbtProject, type NodeResult, type RunEvent } from '@tsdbt/core';
import { fileURLToPath } from 'node:url';

export interface ReportOptions {
  readonly projectDir: string;
  /** dbt selector syntax; default: everything. */
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  /** Where profiles.yml is (default: the project, then ~/.tsdbt; none: the embedded engine). */
  readonly profilesDir?: string;
  readonly threads?: number;
  /** Where lines go (default: stdout). */
  readonly print?: (line: string) => void;
}

export interface Report {
  readonly success: boolean;
  readonly selected: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly failures: readonly { readonly name: string; readonly status: string; readonly where: string; readonly message: string }[];
  readonly elapsed: number;
}

export async function main(options: ReportOptions): Promise<Report> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  // Progress: one line per finished node.
  const onEvent = (e: RunEvent) => {
    if (e.type === 'node_finished') print(`  [${e.index}/${e.total}] ${e.result.status.padEnd(7)} ${e.result.node.resourceType} ${e.result.node.name}`);
    else if (e.type === 'warning') print(`  warning: ${e.message}`);
  };

  let project: TsdbtProject;
  try {
    // Loads and parses the project synchronously; no connection yet.
    project = TsdbtProject.open({ projectDir: options.projectDir, profilesDir: options.profilesDir, onEvent });
  } catch (error) {
    // Project errors carry a stable code and the file and line to look at.
    if (error instanceof TsdbtError) print(`Cannot load the project: ${error.location ? `${error.location}: ` : ''}${error.message} [${error.code}]`);
    throw error;
  }
  try {
    const selection = { select: options.select, exclude: options.exclude };
    const selected = project.select({ ...selection, resourceTypes: ['seed', 'model', 'test'] });
    print(`${project.manifest.projectName}: ${selected.length} nodes selected on target '${project.target.name}' (${project.target.type})`);
    // Compiling needs no warehouse: the SQL each model will run.
    const compiled = await project.compile({ ...selection, write: false });
    print(`  compiled ${compiled.length} models and tests`);

    const result = await project.build({ ...selection, threads: options.threads });
    const counts: Record<string, number> = {};
    for (const r of result.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    const failures = result.results
      .filter((r: NodeResult) => r.status === 'error' || r.status === 'fail' || r.status === 'warn')
      .map((r) => ({ name: r.node.name, status: r.status, where: `${r.file ?? r.node.originalFilePath}:${r.line ?? r.node.line}`, message: r.message.split('\n')[0]! }));

    print('');
    print(`Summary: ${Object.entries(counts).map(([s, n]) => `${s}=${n}`).join(' ')} in ${result.elapsed.toFixed(2)}s${result.interrupted ? ' (interrupted)' : ''}`);
    for (const f of failures) print(`  ${f.status.toUpperCase()} ${f.name} (${f.where}): ${f.message}`);
    print(result.success ? 'All good.' : 'Some nodes failed.');
    return { success: result.success, selected, counts, failures, elapsed: result.elapsed };
  } finally {
    // Closes the warehouse connection (chDB frees its data directory for this process).
    await project.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [projectDir = '.', ...select] = process.argv.slice(2);
  main({ projectDir, select: select.length ? select : undefined }).then(
    (r) => (process.exitCode = r.success ? 0 : 1),
    () => (process.exitCode = 2),
  );
}
