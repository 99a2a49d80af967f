/**
 * The files of a new project, as dbt's starter project lays them out (dbt_project.yml, an example
 * folder of two models with tests, empty analyses/macros/seeds/snapshots/tests folders), written
 * for ClickHouse: the example builds and its tests pass on the embedded engine.
 */

/** Where a new project's warehouse is: the embedded engine, or a ClickHouse server over HTTP. */
export type StarterTarget =
  | { readonly type: 'chdb'; readonly schema?: string; readonly threads?: number }
  | {
      readonly type: 'clickhouse';
      readonly host?: string;
      readonly port?: number;
      readonly user?: string;
      readonly schema?: string;
      readonly secure?: boolean;
      readonly threads?: number;
      /** Written as is; by default `{{ env_var('CLICKHOUSE_PASSWORD', '') }}` (no secret in the file). */
      readonly password?: string;
    };

export function dbtProjectYml(name: string, profile: string): string {
  return `# Name your project! Project names contain only letters, digits and underscores.
name: '${name}'
version: '1.0.0'
config-version: 2

# The profile (in profiles.yml) this project runs with: which warehouse, where.
profile: '${profile}'

# Where tsdbt looks for each kind of file.
model-paths: ["models"]
analysis-paths: ["analyses"]
test-paths: ["tests"]
seed-paths: ["seeds"]
macro-paths: ["macros"]
snapshot-paths: ["snapshots"]

# What \`tsdbt clean\` deletes.
clean-targets:
  - "target"
  - "dbt_packages"

# Configs for the models of this project: +materialized applies to a folder and everything below it.
models:
  ${name}:
    example:
      +materialized: view
`;
}

const yamlString = (s: string) => JSON.stringify(s);

/** profiles.yml with one `dev` output for `target`. */
export function profilesYml(profile: string, target: StarterTarget): string {
  const threads = target.threads ?? 4;
  if (target.type === 'chdb') {
    return `# Where ${profile} runs. tsdbt reads profiles.yml from the project folder (or --profiles-dir, or ~/.tsdbt).
${profile}:
  target: dev
  outputs:
    dev:
      type: chdb              # ClickHouse embedded in the tsdbt process: no server needed
      path: .tsdbt/chdb       # the warehouse's data folder, relative to the project
      schema: ${yamlString(target.schema ?? 'default')}      # a dbt "schema" is a ClickHouse database
      threads: ${threads}
`;
  }
  const password = target.password ?? "{{ env_var('CLICKHOUSE_PASSWORD', '') }}";
  return `# Where ${profile} runs. tsdbt reads profiles.yml from the project folder (or --profiles-dir, or ~/.tsdbt).
${profile}:
  target: dev
  outputs:
    dev:
      type: clickhouse        # a ClickHouse server over HTTP(S)
      host: ${yamlString(target.host ?? 'localhost')}
      port: ${target.port ?? (target.secure ? 8443 : 8123)}
      user: ${yamlString(target.user ?? 'default')}
      password: ${yamlString(password)}
      secure: ${target.secure ? 'true' : 'false'}
      schema: ${yamlString(target.schema ?? 'default')}      # a dbt "schema" is a ClickHouse database
      threads: ${threads}
`;
}

/** The project's other files, by path. */
export function starterFiles(name: string): Record<string, string> {
  return {
    'README.md': `# ${name}

A tsdbt project (dbt's layout and commands, on ClickHouse).

    tsdbt build        # seeds, models and tests in dependency order
    tsdbt run -s my_second_dbt_model+
    tsdbt test
    tsdbt ls
    tsdbt docs generate && tsdbt docs serve

See the tsdbt README for every command.
`,
    '.gitignore': 'target/\ndbt_packages/\nlogs/\n.tsdbt/\n',
    'models/example/my_first_dbt_model.sql': `/*
    Welcome to your first tsdbt model!
    Did you know that you can also configure models directly within SQL files?
    This will override configurations stated in dbt_project.yml.
*/

{{ config(materialized='table') }}

with source_data as (
    select 1 as id
    union all
    select 2 as id
)

select *
from source_data
`,
    'models/example/my_second_dbt_model.sql': `-- Use ref() to build on another model: tsdbt runs my_first_dbt_model first.

select *
from {{ ref('my_first_dbt_model') }}
where id = 1
`,
    'models/example/schema.yml': `version: 2

models:
  - name: my_first_dbt_model
    description: "A starter tsdbt model"
    columns:
      - name: id
        description: "The primary key for this table"
        data_tests:
          - unique
          - not_null

  - name: my_second_dbt_model
    description: "A starter tsdbt model"
    columns:
      - name: id
        description: "The primary key for this table"
        data_tests:
          - unique
          - not_null
`,
    'analyses/.gitkeep': '',
    'macros/.gitkeep': '',
    'seeds/.gitkeep': '',
    'snapshots/.gitkeep': '',
    'tests/.gitkeep': '',
  };
}
