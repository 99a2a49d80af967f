import { compareVersions } from '../../manifest/model-version.js';
import { UsageError } from '../../shared/errors.js';
import type { SelectorMethod } from './types.js';

/**
 * `version:latest|prerelease|old|none` (dbt's VersionSelectorMethod): a model version that is the
 * latest, newer than the latest, older than it, or a model without versions.
 */
export const versionMethod: SelectorMethod = {
  name: 'version',
  *search({ manifest }, value) {
    if (!['latest', 'prerelease', 'old', 'none'].includes(value))
      throw new UsageError('selector-invalid-value', `Invalid version type selector ${value}: expected one of: "latest", "prerelease", "old", or "none"`, {
        hint: 'Write version:latest, version:prerelease, version:old or version:none.',
      });
    for (const node of manifest.nodes.values()) {
      if (node.resourceType !== 'model') continue;
      const { version, latestVersion } = node;
      const match =
        value === 'none'
          ? version === undefined
          : version !== undefined && latestVersion !== undefined &&
            (value === 'latest' ? version === latestVersion : value === 'prerelease' ? compareVersions(version, latestVersion) > 0 : compareVersions(version, latestVersion) < 0);
      if (match) yield node.uniqueId;
    }
  },
};
