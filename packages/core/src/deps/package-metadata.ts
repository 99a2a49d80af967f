import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectError } from '../shared/errors.js';
import { readYamlFile } from '../shared/yaml-file.js';
import type { PackageMetadata } from './package-source.js';
import { readPackagesFile, type RenderValue } from './package-spec.js';

/**
 * A package folder's name and dependencies, from its dbt_project.yml and packages.yml (dbt's
 * PartialProject.render_package_metadata).
 */
export function readPackageMetadata(dir: string, where: string, render?: RenderValue): PackageMetadata {
  const file = ['dbt_project.yml', 'project.yml'].find((f) => existsSync(join(dir, f)));
  if (!file)
    throw new ProjectError('deps_no_project', `No dbt_project.yml found at expected path ${where}/dbt_project.yml`, {
      hint: 'Verify that each entry within packages.yml (and their transitive dependencies) contains a file named dbt_project.yml.',
    });
  const yaml = readYamlFile(join(dir, file), `${where}/${file}`);
  const name = (yaml.data as Record<string, unknown> | null)?.name;
  if (typeof name !== 'string' || !/^[A-Za-z_]\w*$/.test(name))
    throw new ProjectError('deps_no_project', `The package at ${where} has no valid 'name' in ${file}`, { file: `${where}/${file}`, line: yaml.lineOf(['name']) });
  return { name, packages: readPackagesFile(dir, render).packages };
}
