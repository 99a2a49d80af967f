import type { DocBlock } from './manifest.js';

/**
 * The docs blocks of the built-in `dbt` package: dbt ships `{% docs __overview__ %}` in its global
 * project (docs/overview.md), so every dbt manifest.json lists `doc.dbt.__overview__` beside the
 * project's docs — the home page a docs site shows when the project writes no `__overview__` of its
 * own. Our own text; tools key on the id, not the words.
 */
export const BUILTIN_DOCS: readonly DocBlock[] = [
  {
    uniqueId: 'doc.dbt.__overview__',
    name: '__overview__',
    packageName: 'dbt',
    path: 'overview.md',
    originalFilePath: 'docs/overview.md',
    line: 1,
    blockContents: [
      '### Welcome!',
      '',
      'This is the generated documentation of your project: its models, seeds, snapshots, sources, tests and exposures, with their descriptions, columns and lineage.',
      '',
      '### Navigation',
      '',
      'Browse the project by folder or by database and schema, or open the lineage graph to follow what each model reads and feeds. Select with the same `--select` / `--exclude` syntax as on the command line.',
      '',
      'Write a `{% docs __overview__ %}` block in a .md file of your project to replace this page.',
    ].join('\n'),
  },
];
