import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isSemanticNode, type ManifestNode } from '../manifest/nodes.js';

/** dbt hashes seeds up to 1 MiB; a larger seed's checksum is its path (a content change there is not seen, as in dbt). */
const MAX_SEED_HASH_BYTES = 1024 * 1024;

export interface FileHash {
  readonly name: 'sha256' | 'path' | 'none';
  readonly checksum: string;
}

/** A node's `checksum` in manifest.json (dbt's FileHash): the seed's file, else the node's raw code. */
export function nodeChecksum(node: ManifestNode): FileHash {
  if (node.resourceType === 'seed') {
    try {
      if (statSync(node.seedFile).size > MAX_SEED_HASH_BYTES) return { name: 'path', checksum: node.originalFilePath };
      return { name: 'sha256', checksum: sha256(readFileSync(node.seedFile)) };
    } catch {
      return { name: 'none', checksum: '' };
    }
  }
  if (node.resourceType === 'source') return { name: 'none', checksum: '' };
  // dbt's UnitTestDefinition.build_unit_test_checksum: what the test gives, expects and overrides.
  if (node.resourceType === 'unit_test') return { name: 'sha256', checksum: sha256(JSON.stringify({ given: node.givenAsWritten ?? node.given, expect: node.expect, overrides: node.overrides })) };
  // dbt: an exposure's, metric's, semantic model's or saved query's checksum is its YAML entry's.
  if (isSemanticNode(node))
    return { name: 'sha256', checksum: sha256(JSON.stringify({ description: node.description, config: node.config, properties: node.properties })) };
  return { name: 'sha256', checksum: sha256(node.rawCode) };
}

/**
 * A node's `checksum` as manifest.json writes it: a unit test's is the hash itself (dbt's
 * UnitTestDefinition.checksum is a str), every other node's a FileHash.
 */
export function manifestChecksum(node: ManifestNode): FileHash | string {
  const hash = nodeChecksum(node);
  return node.resourceType === 'unit_test' ? hash.checksum : hash;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
