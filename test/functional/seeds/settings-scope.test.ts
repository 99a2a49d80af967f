import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';

// chDB's connection applies a statement's own settings with SET on its session: without care they
// stayed there, so a seed's `delimiter: ';'` made the next CSV read on that connection split on ';'.

let p: InlineProject;
let project: TsdbtProject;

beforeAll(() => {
  p = inlineProject({
    'seeds/semi.csv': 'id;name\n1;a\n2;b\n',
    'data/events.csv': 'id,label\n1,x\n2,"y,z"\n',
    'models/schema.yml': `version: 2
seeds:
  - name: semi
    config:
      delimiter: ";"
sources:
  - name: ext
    schema: "{{ target.schema }}"
    tables:
      - name: events
        external:
          location: "{{ 'data' }}/events.csv"
          format: CSVWithNames
        columns:
          - {name: id, data_type: UInt32}
          - {name: label, data_type: String}
`,
  });
  project = p.open();
});

afterAll(async () => {
  await project?.close();
  p?.cleanup();
});

describe("a statement's own settings on the embedded engine", () => {
  // Statements go to the least busy connection of the pool: one after another, the same one.
  it("a seed's delimiter does not stay for the next CSV read (source load)", async () => {
    expect(statuses(await project.seed())).toEqual({ semi: 'success' });
    expect(await queryRows(project, `SELECT id, name FROM ${p.schema}.semi ORDER BY id`)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(await queryRows(project, "SELECT getSetting('format_csv_delimiter') AS d")).toEqual([{ d: ',' }]);
    expect(statuses(await project.sourceLoad())).toEqual({ events: 'success' });
    expect(await queryRows(project, `SELECT id, label FROM ${p.schema}.events ORDER BY id`)).toEqual([
      { id: 1, label: 'x' },
      { id: 2, label: 'y,z' },
    ]);
  });
});
