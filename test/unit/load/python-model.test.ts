import { describe, expect, it } from 'vitest';
import { parsePythonModel } from '../../../packages/core/src/load/python-model.js';

/* load/python-model.ts: dbt-core's python model parse (PythonParseVisitor + ast.literal_eval of the args). */
const model = (body: string) => `import pandas as pd\n\ndef model(dbt, session):\n${body}\n    return df\n`;

describe('parsePythonModel', () => {
  it('reads dbt.ref / dbt.source / dbt.config calls anywhere in the code, literal args only', () => {
    const parsed = parsePythonModel(
      model(`    dbt.config(materialized = "incremental", unique_key=['id', "day"], meta={'owner': 'ml', 'n': -1.5e2, 'on': True, 'x': None}, tags=('a',))
    df = dbt.ref("stg_" "orders").to_pandas().join(dbt.ref('pkg', 'users', v=2))
    other = session.table(dbt.source('raw', '''events'''))
    s = "dbt.ref('in_a_string')"  # dbt.ref('in_a_comment')
    k = dbt.config.get('threshold', 0x10)
    o = dbt.config.meta_get('owner')
    sub.dbt.ref('not_dbt')`),
      'models/m.py',
    );
    expect(parsed.refs).toEqual([{ name: 'stg_orders' }, { package: 'pkg', name: 'users', version: '2' }]);
    expect(parsed.sources).toEqual([['raw', 'events']]);
    // dbt's parser calls config(config_keys_used=…, …) last with the keys dbt.config.get() / meta_get() read.
    expect(parsed.configCalls).toEqual([
      { materialized: 'incremental', unique_key: ['id', 'day'], meta: { owner: 'ml', n: -150, on: true, x: null }, tags: ['a'] },
      { config_keys_used: ['threshold'], config_keys_defaults: [16], meta_keys_used: ['owner'], meta_keys_defaults: [null] },
    ]);
  });

  it('a non-literal argument is dbt’s literal_eval error, naming file and line', () => {
    expect(() => parsePythonModel(model('    df = dbt.ref(f"stg_{x}")'), 'models/m.py')).toThrow(expect.objectContaining({ file: 'models/m.py', line: 4, message: expect.stringContaining('literal_eval an arg to dbt.ref()') }));
    expect(() => parsePythonModel(model('    dbt.config(materialized=get_mat())'), 'models/m.py')).toThrow(/malformed node or string on line 4: get_mat/);
  });

  it('dbt’s checks: one model function of (dbt, session), dbt.config.get arity, no Jinja', () => {
    expect(() => parsePythonModel('def model(session, dbt):\n    return 1\n', 'm.py')).toThrow(/'dbt' not provided for model as the first argument/);
    expect(() => parsePythonModel('def model(dbt):\n    return 1\n', 'm.py')).toThrow(/model function should have two args/);
    expect(() => parsePythonModel('def helper(dbt, session):\n    return 1\n', 'm.py')).toThrow(/exactly one model defined per python file, found 0/);
    expect(() => parsePythonModel(model('    dbt.config.get()'), 'm.py')).toThrow(/requires at least one argument/);
    expect(() => parsePythonModel(model('    dbt.config.get("a", 1, 2)'), 'm.py')).toThrow(/at most 2 arguments \(3 given\)/);
    expect(() => parsePythonModel(model("    df = dbt.ref('{{ var(\"x\") }}')"), 'm.py')).toThrow(/No jinja in python model code is allowed/);
    expect(() => parsePythonModel(model('    df = dbt.ref("a"'), 'm.py')).toThrow(/was never closed/);
    expect(parsePythonModel('# nothing yet\n', 'm.py')).toEqual({ refs: [], sources: [], configCalls: [] });
  });
});
