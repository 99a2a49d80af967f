import type { MethodName } from '../selector-spec.js';
import { configMethod } from './config.js';
import { fileMethod } from './file.js';
import { fqnMethod } from './fqn.js';
import { packageMethod } from './package.js';
import { pathMethod } from './path.js';
import { resourceTypeMethod } from './resource-type.js';
import { resultMethod } from './result.js';
import { selectorMethod } from './selector.js';
import { sourceMethod } from './source.js';
import { sourceStatusMethod } from './source-status.js';
import { stateMethod } from './state.js';
import { tagMethod } from './tag.js';
import { testNameMethod } from './test-name.js';
import { testTypeMethod } from './test-type.js';
import { unitTestMethod } from './unit-test.js';
import { accessMethod, groupMethod } from './group.js';
import { exposureMethod, metricMethod, savedQueryMethod, semanticModelMethod } from './semantic.js';
import { versionMethod } from './version.js';
import type { SelectorMethod } from './types.js';

export type { MethodContext, SelectorMethod } from './types.js';

/** Every selector method tsdbt understands; a Record so a new MethodName cannot be forgotten. */
const METHODS: Readonly<Record<MethodName, SelectorMethod>> = {
  fqn: fqnMethod,
  tag: tagMethod,
  path: pathMethod,
  file: fileMethod,
  source: sourceMethod,
  resource_type: resourceTypeMethod,
  config: configMethod,
  test_type: testTypeMethod,
  test_name: testNameMethod,
  package: packageMethod,
  selector: selectorMethod,
  version: versionMethod,
  state: stateMethod,
  result: resultMethod,
  source_status: sourceStatusMethod,
  unit_test: unitTestMethod,
  exposure: exposureMethod,
  metric: metricMethod,
  semantic_model: semanticModelMethod,
  saved_query: savedQueryMethod,
  group: groupMethod,
  access: accessMethod,
};

export const METHOD_NAMES: readonly MethodName[] = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

export function getMethod(name: MethodName): SelectorMethod {
  return METHODS[name];
}
