/**
 * Bad input a tired user (or an attacker) hands tsdbt, one probe per row: the files of a small
 * project, what to do with it, and the error that must come back — a project error naming the file
 * (and the line where there is one) with a hint, never a raw errno, a ClickHouse syntax error for
 * something tsdbt should have caught, or silence. probes.test.ts runs every row.
 */
export type ProbeAction = 'load' | 'run' | 'seed' | 'test' | 'compile';

export interface Probe {
  readonly name: string;
  readonly files: Readonly<Record<string, string | Buffer>>;
  /** What to do after opening the project (default: just open it). */
  readonly action?: ProbeAction;
  /** `project.yml` is removed first (e.g. to write a dbt_project.yml only). */
  readonly withoutProjectYml?: boolean;
  /** Symlinks to create: link path → target (relative to the project). */
  readonly symlinks?: Readonly<Record<string, string>>;
  readonly expect: {
    /** The error's code. */
    readonly code: string;
    readonly message: RegExp;
    /** The file the error names (project-relative), when it has one. */
    readonly file?: string;
    readonly line?: number;
    readonly column?: number;
    /** The message is the project's own (raise_compiler_error): no hint is added to it. */
    readonly noHint?: true;
    /** What the hint must say, when it matters which file or command it names. */
    readonly hint?: RegExp;
  };
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const MODEL = { 'models/ok.sql': 'select 1 as id' };
const yml = (body: string) => ({ ...MODEL, 'models/schema.yml': `version: 2\n${body}` });
const columnTest = (test: string) => yml(`models:\n  - name: ok\n    columns:\n      - name: id\n        tests:\n          - ${test}\n`);

export const PROBES: readonly Probe[] = [
  // --- encodings: never silently U+FFFD; the file and the byte offset are named
  { name: 'Latin-1 byte in a model', files: { 'models/m.sql': latin1("select 1 as id\n-- café\nselect 'crème'") }, expect: { code: 'encoding', message: /models\/m\.sql is not UTF-8: byte 0xE9 at offset 21 \(line 2, column 7\)/, file: 'models/m.sql', line: 2, column: 7 } },
  { name: 'Latin-1 byte in a macro', files: { ...MODEL, 'macros/m.sql': latin1('{% macro m() %}é{% endmacro %}') }, expect: { code: 'encoding', message: /macros\/m\.sql is not UTF-8: byte 0xE9 at offset 15/, file: 'macros/m.sql', line: 1, column: 16 } },
  { name: 'Latin-1 byte in schema YAML', files: { ...MODEL, 'models/schema.yml': latin1('version: 2\nmodels:\n  - name: ok\n    description: "résumé"\n') }, expect: { code: 'encoding', message: /models\/schema\.yml is not UTF-8: byte 0xE9/, file: 'models/schema.yml', line: 4 } },
  { name: 'Latin-1 byte in project.yml', files: { ...MODEL, 'project.yml': latin1('name: proj\nprofile: proj\nvars:\n  city: Zürich\n') }, expect: { code: 'encoding', message: /project\.yml is not UTF-8: byte 0xFC/, file: 'project.yml', line: 4 } },
  { name: 'Latin-1 byte in profiles.yml', files: { ...MODEL, 'profiles.yml': latin1('proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: d\xe9v\n') }, expect: { code: 'encoding', message: /profiles\.yml is not UTF-8: byte 0xE9/, line: 6 } },
  { name: 'Latin-1 byte in a seed', files: { 'seeds/s.csv': latin1('id,city\n1,Zürich\n') }, action: 'seed', expect: { code: 'encoding', message: /seeds\/s\.csv is not UTF-8: byte 0xFC at offset 11 \(line 2, column 4\)/, file: 'seeds/s.csv', line: 2 } },
  { name: 'Latin-1 byte in a singular test', files: { ...MODEL, 'tests/t.sql': latin1("select * from {{ ref('ok') }} where 'é' = ''") }, expect: { code: 'encoding', message: /tests\/t\.sql is not UTF-8/, file: 'tests/t.sql', line: 1 } },
  { name: 'Latin-1 byte in selectors.yml', files: { ...MODEL, 'selectors.yml': latin1('selectors:\n  - name: caf\xe9\n    definition: ok\n') }, expect: { code: 'encoding', message: /selectors\.yml is not UTF-8/, file: 'selectors.yml', line: 2 } },
  { name: 'a UTF-16 model', files: { 'models/m.sql': utf16('select 1 as id') }, expect: { code: 'encoding', message: /models\/m\.sql is UTF-16 \(it starts with a UTF-16 byte order mark\)/, file: 'models/m.sql', line: 1 } },
  { name: 'a UTF-16 schema YAML', files: { ...MODEL, 'models/schema.yml': utf16('version: 2\n') }, expect: { code: 'encoding', message: /models\/schema\.yml is UTF-16/, file: 'models/schema.yml' } },
  { name: 'a binary file as a model', files: { 'models/m.sql': Buffer.from([0x73, 0x65, 0x6c, 0x00, 0x01, 0x02]) }, expect: { code: 'encoding', message: /models\/m\.sql holds a NUL byte at offset 3/, file: 'models/m.sql', line: 1 } },

  // --- SQL that is no query
  // A model or test file with nothing at all in it is never selected (dbt's node.empty): no error to probe.
  { name: 'a model that is only a comment', files: { 'models/m.sql': '-- nothing here yet\n/* still nothing */\n' }, action: 'run', expect: { code: 'empty_model', message: /Model m has no SQL/, file: 'models/m.sql' } },
  { name: 'a model that is only a Jinja comment and config', files: { 'models/m.sql': "{# todo #}\n{{ config(materialized='table') }}\n" }, action: 'run', expect: { code: 'empty_model', message: /Model m has no SQL/, file: 'models/m.sql' } },
  { name: 'an empty ephemeral model used by another', files: { 'models/e.sql': "{{ config(materialized='ephemeral') }}", 'models/m.sql': "select * from {{ ref('e') }}" }, action: 'run', expect: { code: 'empty_model', message: /Model e has no SQL/, file: 'models/e.sql' } },

  // --- Jinja and dbt calls
  { name: 'a macro called with too many arguments', files: { 'macros/m.sql': '{% macro two(a, b) %}{{ a }}{{ b }}{% endmacro %}', 'models/m.sql': 'select {{ two(1, 2, 3) }} as x' }, expect: { code: 'jinja', message: /macro 'dbt_macro__two' takes not more than 2 argument\(s\)/, file: 'models/m.sql', line: 1 } },
  { name: 'a macro called with an unknown keyword argument', files: { 'macros/m.sql': '{% macro two(a, b=1) %}{{ a }}{% endmacro %}', 'models/m.sql': 'select {{ two(1, c=3) }} as x' }, expect: { code: 'jinja', message: /macro 'dbt_macro__two' takes no keyword argument 'c'/, file: 'models/m.sql', line: 1 } },
  { name: 'a macro argument given twice', files: { 'macros/m.sql': '{% macro two(a, b) %}{{ a }}{% endmacro %}', 'models/m.sql': 'select {{ two(1, a=3) }} as x' }, expect: { code: 'jinja', message: /macro 'dbt_macro__two' takes no keyword argument 'a'/, file: 'models/m.sql', line: 1 } },
  // Jinja syntax errors at the source position (issue 16): an unclosed block → the line of its opening tag, as Jinja2 names the block
  { name: 'an unclosed if block', files: { 'models/m.sql': 'select 1\n  {% if true %}\nas x\n-- 4\n-- 5' }, expect: { code: 'jinja', message: /Unexpected end of template\. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'\. The innermost block that needs to be closed is 'if'/, file: 'models/m.sql', line: 2, column: 3 } },
  { name: 'an unclosed for inside a macro of a model', files: { 'models/m.sql': 'select 1 as x\n{% macro m() %}\n{% for i in [1] %}{{ i }}\n{% endmacro %}' }, expect: { code: 'jinja', message: /Encountered unknown tag 'endmacro'\. Jinja was looking for the following tags: 'else' or 'endfor'/, file: 'models/m.sql', line: 4, column: 1 } },
  { name: 'a } typo in an expression', files: { 'models/x.sql': 'select 1 as a', 'models/m.sql': "select 1 as a,\n  2 as b,\n  {{ ref('x') } as h,\n  9 as i\nfrom numbers(1)\n-- 6\n-- 7\n-- 8" }, expect: { code: 'jinja', message: /unexpected '\}'/, file: 'models/m.sql', line: 3, column: 15 } },
  { name: 'a stray endif', files: { 'models/m.sql': 'select 1 as a\n{{ 1 }}{% endif %}' }, expect: { code: 'jinja', message: /Encountered unknown tag 'endif'/, file: 'models/m.sql', line: 2, column: 8 } },
  { name: 'an unclosed bracket in a tag', files: { 'models/m.sql': "select 1 as a\n{% if (1 > 0 %}x{% endif %}" }, expect: { code: 'jinja', message: /'\(' is never closed/, file: 'models/m.sql', line: 2, column: 7 } },
  { name: 'an unclosed comment', files: { 'models/m.sql': 'select 1 as a\n  {# note\n-- 3' }, expect: { code: 'jinja', message: /Missing end of comment tag/, file: 'models/m.sql', line: 2, column: 3 } },
  { name: 'a nunjucks parse error after a rewritten tag keeps its source column', files: { 'models/m.sql': "select 1 as a\n{% set a, b = 1, 2 %}{{ a + }}" }, expect: { code: 'jinja', message: /unexpected token/, file: 'models/m.sql', line: 2, column: 29 } },
  { name: 'an unknown filter', files: { 'models/m.sql': "select '{{ 'a' | no_such_filter }}' as x" }, expect: { code: 'jinja', message: /no_such_filter/, file: 'models/m.sql', line: 1 } },
  { name: 'an unknown filter is located where it is used (Jinja2: "No filter named")', files: { 'models/m.sql': "select 1 as x,\n  2 as y,\n  '{{ 'a' | upper | no_such_filter }}' as z" }, expect: { code: 'jinja', message: /No filter named 'no_such_filter'\./, file: 'models/m.sql', line: 3, column: 21 } },
  // dbt parses it (its parse-time Undefined is callable) and fails the model when it runs.
  { name: 'an undefined macro', files: { 'models/m.sql': 'select {{ no_such_macro() }} as x' }, action: 'run', expect: { code: 'unknown_macro', message: /no_such_macro/, file: 'models/m.sql', line: 1 } },
  { name: 'ref() without a name', files: { 'models/m.sql': 'select * from {{ ref() }}' }, expect: { code: 'ref_args', message: /ref\(\) needs a model name/, file: 'models/m.sql', line: 1 } },
  { name: 'source() with one argument', files: { 'models/m.sql': "select * from {{ source('raw') }}" }, expect: { code: 'source_args', message: /source\(\) needs a source name and a table name/, file: 'models/m.sql', line: 1 } },
  { name: 'a ref to a model that does not exist', files: { ...MODEL, 'models/m.sql': "-- top\nselect * from {{ ref('okk') }}" }, expect: { code: 'unknown_ref', message: /Model 'model\.\w+\.m' \(models\/m\.sql\) depends on a node named 'okk' which was not found/, file: 'models/m.sql', line: 2 } },
  { name: 'an undeclared source', files: { 'models/m.sql': "select * from {{ source('raw', 'x') }}" }, expect: { code: 'unknown_source', message: /depends on a source named 'raw\.x' which was not found/, file: 'models/m.sql', line: 1 } },
  // dbt parses it (ParseVar: None) and fails the model when it runs.
  { name: 'a missing var', files: { 'models/m.sql': "select {{ var('nope') }} as x" }, action: 'run', expect: { code: 'missing_var', message: /Required var 'nope' not found/, file: 'models/m.sql', line: 1, hint: /under 'vars:' in the project file \(dbt_project\.yml or project\.yml\)/ } },
  { name: 'a missing env var', files: { 'models/m.sql': "select '{{ env_var('TSDBT_PROBE_NOT_SET') }}' as x" }, expect: { code: 'missing_env_var', message: /TSDBT_PROBE_NOT_SET/, file: 'models/m.sql', line: 1 } },
  { name: 'an unknown materialization', files: { 'models/m.sql': "{{ config(materialized='tabel') }}\nselect 1 as x" }, expect: { code: 'materialization', message: /materialized='tabel'/, file: 'models/m.sql', line: 1 } },
  { name: 'a ref into a package that is not installed', files: { ...MODEL, 'models/m.sql': "select * from {{ ref('nopkg', 'ok') }}" }, expect: { code: 'unknown_ref', message: /nopkg/, file: 'models/m.sql', line: 1 } },
  { name: 'an unterminated string in a model', files: { 'models/m.sql': "select 1\n{{ 'oops }}" }, expect: { code: 'jinja', message: /a string that is never closed/, file: 'models/m.sql', line: 2, column: 4 } },
  { name: 'raise_compiler_error', files: { 'models/m.sql': "select 1\n{{ exceptions.raise_compiler_error('stop here') }}" }, expect: { code: 'compiler_error', message: /stop here/, file: 'models/m.sql', line: 2, noHint: true } },
  { name: 'a model that refers to itself', files: { 'models/m.sql': "select * from {{ ref('m') }}" }, expect: { code: 'cycle', message: /refers to itself/, file: 'models/m.sql' } },
  { name: 'a cycle of two models', files: { 'models/a.sql': "select * from {{ ref('b') }}", 'models/b.sql': "select * from {{ ref('a') }}" }, expect: { code: 'cycle', message: /a \(models\/a\.sql\)|b \(models\/b\.sql\)/ } },
  { name: 'two models with one name', files: { 'models/x/m.sql': 'select 1 as x', 'models/y/m.sql': 'select 2 as x' }, expect: { code: 'duplicate_node', message: /dbt found two models with the name "m"/, file: 'models/y/m.sql' } },

  // --- schema YAML
  { name: 'invalid YAML syntax', files: yml('models:\n  - name: ok\n   description: bad indent\n'), expect: { code: 'yaml_syntax', message: /Invalid YAML/, file: 'models/schema.yml', line: 4 } },
  { name: 'a tab-indented YAML file', files: yml('models:\n\t- name: ok\n'), expect: { code: 'yaml_syntax', message: /Invalid YAML/, file: 'models/schema.yml', line: 3 } },
  { name: 'a schema YAML whose top level is a list', files: { ...MODEL, 'models/schema.yml': '- name: ok\n  columns: []\n' }, expect: { code: 'schema_yaml', message: /models\/schema\.yml must be a mapping \(version: 2, models:, sources: …\), not a list/, file: 'models/schema.yml', line: 1 } },
  { name: 'a schema YAML that is a bare string', files: { ...MODEL, 'models/schema.yml': 'just some text\n' }, expect: { code: 'schema_yaml', message: /must be a mapping .*, not a string/, file: 'models/schema.yml', line: 1 } },
  { name: 'models: as a mapping instead of a list', files: yml('models:\n  ok:\n    description: x\n'), expect: { code: 'schema_yaml', message: /'models' is not a list/, file: 'models/schema.yml', line: 3 } },
  { name: 'a model entry without a name', files: yml('models:\n  - description: x\n'), expect: { code: 'schema_yaml', message: /Each entry needs a 'name'/, file: 'models/schema.yml', line: 3 } },
  { name: 'columns as a mapping', files: yml('models:\n  - name: ok\n    columns:\n      id: {}\n'), expect: { code: 'schema_yaml', message: /'columns' must be a list/, file: 'models/schema.yml', line: 5 } },
  { name: 'a column without a name', files: yml('models:\n  - name: ok\n    columns:\n      - description: x\n'), expect: { code: 'schema_yaml', message: /Each column needs a 'name'/, file: 'models/schema.yml', line: 5 } },
  { name: 'accepted_values without values', files: columnTest('accepted_values: {quote: false}'), expect: { code: 'test_args', message: /accepted_values .*needs 'values'/, file: 'models/schema.yml', line: 7 } },
  { name: 'accepted_values with no arguments at all', files: columnTest('accepted_values'), expect: { code: 'test_args', message: /accepted_values .*needs 'values'/, file: 'models/schema.yml', line: 7 } },
  { name: 'accepted_values with values that are not a list', files: columnTest('accepted_values: {values: a}'), expect: { code: 'test_args', message: /'values' .*must be a list/, file: 'models/schema.yml', line: 7 } },
  { name: 'relationships without to', files: columnTest('relationships: {field: id}'), expect: { code: 'test_args', message: /relationships .*needs 'to'/, file: 'models/schema.yml', line: 7 } },
  { name: 'relationships without field', files: columnTest("relationships: {to: ref('ok')}"), expect: { code: 'test_args', message: /relationships .*needs 'field'/, file: 'models/schema.yml', line: 7 } },
  // As in dbt, the project loads (models run) and the test fails when it runs.
  { name: 'an unknown generic test', files: columnTest('uniqe'), action: 'test', expect: { code: 'unknown_test', message: /uniqe/, file: 'models/schema.yml', line: 7 } },
  { name: 'a test entry with two keys', files: columnTest('unique: {}\n            not_null: {}'), expect: { code: 'schema_yaml', message: /single key/, file: 'models/schema.yml', line: 7 } },
  { name: 'a source table without a name', files: yml('sources:\n  - name: raw\n    tables:\n      - description: x\n'), expect: { code: 'schema_yaml', message: /Each entry needs a 'name'/, file: 'models/schema.yml', line: 5 } },
  { name: 'a source without tables as a list', files: yml('sources:\n  - name: raw\n    tables: orders\n'), expect: { code: 'schema_yaml', message: /Source 'raw' needs a list of 'tables'/, file: 'models/schema.yml', line: 4 } },
  { name: 'a model described twice', files: { ...MODEL, 'models/a.yml': 'version: 2\nmodels:\n  - name: ok\n', 'models/b.yml': 'version: 2\nmodels:\n  - name: ok\n' }, expect: { code: 'duplicate_patch', message: /described twice/, file: 'models/b.yml', line: 3 } },

  // --- the project file
  { name: 'both project.yml and dbt_project.yml', files: { ...MODEL, 'dbt_project.yml': 'name: other\nprofile: proj\n' }, expect: { code: 'project_file', message: /Both project\.yml and dbt_project\.yml/, file: 'dbt_project.yml' } },
  { name: 'a project file without a name', files: { ...MODEL, 'project.yml': 'profile: proj\n' }, expect: { code: 'project_file', message: /needs a 'name'/, file: 'project.yml', line: 1 } },
  { name: 'a project file that is a list', files: { ...MODEL, 'project.yml': '- name: proj\n' }, expect: { code: 'project_file', message: /must be a mapping/, file: 'project.yml', line: 1 } },
  { name: 'model-paths that is a number', files: { ...MODEL, 'project.yml': 'name: proj\nprofile: proj\nmodel-paths: 5\n' }, expect: { code: 'project_file', message: /'model-paths' must be a list of folders/, file: 'project.yml', line: 3 } },
  { name: 'vars that are a list', files: { ...MODEL, 'project.yml': 'name: proj\nprofile: proj\nvars: [a, b]\n' }, expect: { code: 'project_file', message: /'vars' must be a mapping/, file: 'project.yml', line: 3 } },
  { name: 'a folder config with an unknown materialization', files: { ...MODEL, 'project.yml': 'name: proj\nprofile: proj\nmodels:\n  proj:\n    +materialized: tabel\n' }, expect: { code: 'materialization', message: /tabel/ } },
  { name: 'no project file at all', withoutProjectYml: true, files: MODEL, expect: { code: 'no_project', message: /No project\.yml or dbt_project\.yml/ } },

  // --- profiles
  { name: 'an unknown target', files: { ...MODEL, 'profiles.yml': 'proj:\n  target: prod\n  outputs:\n    dev:\n      type: chdb\n' }, expect: { code: 'profiles', message: /The profile 'proj' does not have a target named 'prod'/, line: 2 } },
  { name: 'an unsupported target type', files: { ...MODEL, 'profiles.yml': 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n' }, expect: { code: 'profiles', message: /type 'postgres'/, line: 5 } },
  { name: 'a port out of range in profiles.yml', files: { ...MODEL, 'profiles.yml': 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      port: 99999\n' }, expect: { code: 'profiles', message: /port must be a whole number from 0 to 65535/, line: 6 } },
  { name: "dbt-clickhouse's native driver with its TCP port", files: { ...MODEL, 'profiles.yml': 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      driver: native\n      port: 9000\n' }, expect: { code: 'profiles', message: /driver 'native'.*port 9000.*tsdbt connects over HTTP/, line: 6 } },
  { name: 'a profile that is missing', files: { ...MODEL, 'profiles.yml': 'other:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n' }, expect: { code: 'profiles', message: /Could not find profile named 'proj'/ } },

  // --- the file system
  { name: 'a dangling symlink as a model', files: MODEL, symlinks: { 'models/gone.sql': 'nowhere.sql' }, expect: { code: 'file_unreadable', message: /models\/gone\.sql is a symbolic link to 'nowhere\.sql', which does not exist/, file: 'models/gone.sql' } },
  { name: 'a symlink loop as a model', files: MODEL, symlinks: { 'models/loop.sql': 'loop.sql' }, expect: { code: 'file_unreadable', message: /models\/loop\.sql is a symbolic link that loops/, file: 'models/loop.sql' } },

  // --- seeds
  { name: 'a seed with a ragged row', files: { 'seeds/s.csv': 'id,name\n1,a\n2,b,c\n' }, action: 'seed', expect: { code: 'seed_row', message: /line 3 has 3 values, the header has 2/, file: 'seeds/s.csv', line: 3 } },
  { name: 'an empty seed', files: { 'seeds/s.csv': '' }, action: 'seed', expect: { code: 'seed_empty', message: /Seed s is empty/, file: 'seeds/s.csv' } },
  { name: 'a UTF-16 seed without BOM is not guessed', files: { 'seeds/s.csv': Buffer.from('id\n1\n', 'utf16le') }, action: 'seed', expect: { code: 'encoding', message: /seeds\/s\.csv holds a NUL byte/, file: 'seeds/s.csv' } },
];
