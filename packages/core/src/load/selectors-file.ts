import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { SelectorDefinition } from '../manifest/manifest.js';
import { ProjectError } from '../shared/errors.js';
import { readYamlFile } from '../shared/yaml-file.js';
import { isMapping } from './node-config.js';

/** dbt's SelectorRenderer: Jinja in any string of selectors.yml (`default: "{{ target.name == 'dev' }}"`). */
function renderedSelector(value: unknown, render: (text: string) => string): unknown {
  if (typeof value === 'string') return /\{[{%]/.test(value) ? render(value) : value;
  if (Array.isArray(value)) return value.map((v) => renderedSelector(v, render));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderedSelector(v, render)]));
  return value;
}

export function readSelectors(projectRoot: string, render: (text: string) => string): Record<string, SelectorDefinition> {
  const file = 'selectors.yml';
  const path = join(projectRoot, file);
  try {
    lstatSync(path); // absent: no named selectors (a broken link is reported when read)
  } catch {
    return {};
  }
  const yaml = readYamlFile(path, file);
  const list = isMapping(yaml.data) ? yaml.data.selectors : undefined;
  if (!Array.isArray(list)) return {};
  const out: Record<string, SelectorDefinition> = {};
  list.forEach((entry, i) => {
    const s = renderedSelector(entry, render);
    if (!isMapping(s) || typeof s.name !== 'string')
      throw new ProjectError('selectors_yml', 'Each selector needs a name and a definition', { file, line: yaml.lineOf(['selectors', i]) });
    out[s.name] = { name: s.name, description: typeof s.description === 'string' ? s.description : undefined, default: s.default === true || (typeof s.default === 'string' && /^\s*true\s*$/i.test(s.default)), definition: s.definition, file };
  });
  return out;
}
