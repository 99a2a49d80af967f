import { isMicrobatch, microbatchConfigOf } from '../manifest/microbatch-config.js';
import type { ManifestNode } from '../manifest/nodes.js';

/**
 * dbt's parse-time checks of microbatch models: their configs are valid (else a ProjectError), and
 * a model none of whose inputs has an `event_time` gets dbt's warning (nothing filters its inputs to
 * a batch, so every batch reads everything).
 */
export function checkMicrobatchModels(nodes: ReadonlyMap<string, ManifestNode>, onLog: (message: string, level: 'warn') => void): void {
  for (const node of nodes.values()) {
    if (node.resourceType !== 'model' || !isMicrobatch(node.config)) continue;
    microbatchConfigOf(node);
    const filtered = node.dependsOn.some((id) => {
      const input = nodes.get(id);
      return input !== undefined && typeof input.config.event_time === 'string' && input.config.event_time !== '';
    });
    if (!filtered)
      onLog(
        `${node.originalFilePath}: the microbatch model '${node.name}' has no 'ref' or 'source' input with an 'event_time' configuration. This means no filtering can be applied and can result in unexpected duplicate records in the resulting microbatch model.`,
        'warn',
      );
  }
}
