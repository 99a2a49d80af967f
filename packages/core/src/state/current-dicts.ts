import type { Manifest } from '../manifest/manifest.js';
import { nodeDict } from '../manifest/node-dict.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { manifestChecksum } from './node-checksum.js';
import type { NodeDict } from './previous-state.js';

/** A current node as manifest.json would hold it (with its checksum): one side of a state comparison. */
export function currentDict(node: ManifestNode): NodeDict {
  return { ...nodeDict(node), checksum: manifestChecksum(node) };
}

/** The current macros with the text a state comparison reads. */
export function currentMacros(manifest: Manifest): Map<string, NodeDict> {
  return new Map([...manifest.macros.values()].map((m) => [m.uniqueId, { unique_id: m.uniqueId, macro_sql: m.macroSql ?? '' }]));
}
