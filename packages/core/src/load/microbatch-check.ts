import { isMicrobatch, MICROBATCH_MACRO_OUTSIDE_BATCHES, microbatchConfigOf } from '../manifest/microbatch-config.js';
import type { ManifestNode } from '../manifest/nodes.js';

/**
 * dbt's parse-time checks of microbatch models: their configs are valid (else a ProjectError), and
 * a model none of whose inputs has an `event_time` gets dbt's warning (nothing filters its inputs to
 * a batch, so every batch reads everything). `batched` false: dbt's deprecation warning instead.
 */
export function checkMicrobatchModels(nodes: ReadonlyMap<string, ManifestNode>, onLog: (message: string, level: 'warn') => void, batched = true): void {
  if (!batched) {
    // dbt's check_for_microbatch_deprecations: the models run without batches (microbatch-config.ts usesMicrobatchBatches), their configs unchecked.
    if ([...nodes.values()].some((n) => n.resourceType === 'model' && isMicrobatch(n.config))) onLog(MICROBATCH_MACRO_OUTSIDE_BATCHES, 'warn');
    return;
  }
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
