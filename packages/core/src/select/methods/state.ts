import { UsageError } from '../../shared/errors.js';
import { compareContract, modifiedMacros, newIsUnchanged, sameBody, sameConfig, sameContents, samePersistedDescriptions, sameRelation } from '../../state/compare-nodes.js';
import { currentDict, currentMacros } from '../../state/current-dicts.js';
import { requireStateManifest, type NodeDict, type StateManifest } from '../../state/previous-state.js';
import type { MethodContext, SelectorMethod } from './types.js';

const CHECKS = ['new', 'old', 'modified', 'unmodified', 'modified.body', 'modified.configs', 'modified.relation', 'modified.persisted_descriptions', 'modified.macros', 'modified.contract'] as const;
type Check = (typeof CHECKS)[number];

/**
 * `state:new` and `state:modified[.body|.configs|.relation|.persisted_descriptions|.macros|.contract]`
 * against the `--state` manifest (dbt's StateSelectorMethod): a node absent there is new (and
 * modified, for every sub-selector but `.macros`); plain `modified` is any difference of
 * `same_contents` or a macro the node calls (transitively) changed. dbt 1.9's `state:old` (present
 * there) and `state:unmodified` (not `state:modified`: a new node is modified) are their converses.
 */
export const stateMethod: SelectorMethod = {
  name: 'state',
  *search(ctx, value) {
    if (!(CHECKS as readonly string[]).includes(value)) {
      throw new UsageError('selector-invalid-value', `Invalid state selector "state:${value}".`, {
        hint: `Use one of: ${CHECKS.map((c) => `state:${c}`).join(', ')}.`,
      });
    }
    const check = value as Check;
    const previous = requireStateManifest(ctx.state, `state:${value}`);
    let changedMacros: Set<string> | undefined;
    const macroChanged = (node: NodeDict): boolean => {
      changedMacros ??= modifiedMacros(currentMacros(ctx.manifest), previous.macros);
      if (changedMacros.size === 0) return false;
      const used = (node['depends_on'] as { macros?: readonly string[] } | undefined)?.macros ?? [];
      return used.some((m) => changedMacros!.has(m));
    };
    for (const node of ctx.manifest.nodes.values()) {
      const old = previous.nodes.get(node.uniqueId);
      if (check === 'new' || check === 'old') {
        if (!old === (check === 'new')) yield node.uniqueId;
        continue;
      }
      if (check === 'unmodified') {
        if (!modifiedNode(ctx, node.resourceType, old, currentDict(node), macroChanged)) yield node.uniqueId;
        continue;
      }
      const cur = currentDict(node);
      if (check === 'modified.macros') {
        if (macroChanged(cur)) yield node.uniqueId;
        continue;
      }
      if (check === 'modified') {
        if (modifiedNode(ctx, node.resourceType, old, cur, macroChanged)) yield node.uniqueId;
        continue;
      }
      if (!old) {
        // dbt: a new node is modified by a sub-selector only when its type has that comparison
        // (same_body, same_contract, same_persisted_description: ParsedNode types;
        // same_database_representation: those and sources; same_config: all but unit tests).
        if (newIsModifiedBy(check, node.resourceType)) yield node.uniqueId;
        continue;
      }
      if (isModified(ctx, check, cur, old, macroChanged)) yield node.uniqueId;
    }
    if (check === 'modified' || check === 'unmodified' || check === 'modified.contract') removedContracts(ctx, previous);
  },
};

function newIsModifiedBy(check: Check, resourceType: string): boolean {
  const parsed = PARSED_NODES.has(resourceType);
  if (check === 'modified.configs') return resourceType !== 'unit_test';
  if (check === 'modified.relation') return parsed || resourceType === 'source';
  return parsed;
}
/** dbt's ParsedNode types (they have same_body, same_contract, same_persisted_description). */
const PARSED_NODES = new Set(['model', 'test', 'seed', 'snapshot', 'analysis', 'function']);

/** Plain `state:modified`: new (but a new source, exposure…: newIsUnchanged), different contents, a changed macro. */
function modifiedNode(ctx: MethodContext, resourceType: string, old: NodeDict | undefined, cur: NodeDict, macroChanged: (n: NodeDict) => boolean): boolean {
  if (!old) return !newIsUnchanged(resourceType);
  bigSeedWarning(ctx, cur, old);
  return isModified(ctx, 'modified', cur, old, macroChanged);
}

/**
 * dbt's same_seeds: a seed over 1MB has its path as checksum, and comparing it warns which case it
 * is (SeedIncreased, SeedExceedsLimitSamePath, SeedExceedsLimitAndPathChanged,
 * SeedExceedsLimitChecksumChanged) — under --warn-error an error.
 */
function bigSeedWarning(ctx: MethodContext, cur: NodeDict, old: NodeDict): void {
  const checksum = (n: NodeDict) => (n['checksum'] ?? {}) as { name?: string; checksum?: string };
  if (cur['resource_type'] !== 'seed' || checksum(cur).name !== 'path') return;
  const seed = `Found a seed (${String(cur['package_name'])}.${String(cur['name'])}) >1MB in size`;
  const was = checksum(old);
  if (was.name !== 'path') ctx.onWarning?.(`${seed}. The previous file was <=1MB, so it has changed`);
  else if (was.checksum === checksum(cur).checksum) ctx.onWarning?.(`${seed} at the same path, dbt cannot tell if it has changed: assuming they are the same`);
  else ctx.onWarning?.(`${seed}. The previous file was in a different location, assuming it has changed`);
}

function isModified(ctx: MethodContext, check: Exclude<Check, 'new' | 'old' | 'unmodified' | 'modified.macros'>, cur: NodeDict, old: NodeDict, macroChanged: (n: NodeDict) => boolean): boolean {
  switch (check) {
    case 'modified.body':
      bigSeedWarning(ctx, cur, old);
      return sameBody(cur, old) === false;
    case 'modified.configs':
      return !sameConfig(cur, old, ctx.state?.compare);
    case 'modified.relation':
      return !sameRelation(cur, old);
    case 'modified.persisted_descriptions':
      return samePersistedDescriptions(cur, old) === false;
    case 'modified.contract':
      return contractChanged(ctx, cur, old);
    case 'modified': {
      const contract = cur['resource_type'] === 'model' ? contractOutcome(ctx, cur, old) : undefined;
      return !sameContents(cur, old, contract, ctx.state?.compare) || macroChanged(cur);
    }
  }
}

function contractChanged(ctx: MethodContext, cur: NodeDict, old: NodeDict): boolean {
  const outcome = contractOutcome(ctx, cur, old);
  return outcome !== undefined && !outcome.same;
}

/**
 * As dbt: a breaking change of an enforced contract is an error for a versioned model (add a new
 * version instead: ContractBreakingChangeError) and a warning for an unversioned one
 * (UnversionedBreakingChange), in dbt's words.
 */
function contractOutcome(ctx: MethodContext, cur: NodeDict, old: NodeDict) {
  const outcome = compareContract(cur, old);
  if (!outcome || outcome.breaking.length === 0) return outcome;
  breakingChange(ctx, cur, outcome.breaking);
  return outcome;
}

function breakingChange(ctx: MethodContext, node: NodeDict, reasons: readonly string[]): void {
  if (node['version'] !== null && node['version'] !== undefined) {
    throw new UsageError(
      'contract_breaking_change',
      `While comparing to previous project state, dbt detected a breaking change to an enforced contract.\n  - ${reasons.join('\n  - ')}\nConsider making an additive (non-breaking) change instead, if possible.\nOtherwise, create a new model version: https://docs.getdbt.com/docs/collaborate/govern/model-versions`,
      { file: String(node['original_file_path']), hint: `Consumers of model '${String(node['name'])}' would break: create a new version of it (dbt's ContractBreakingChangeError).` },
    );
  }
  ctx.onWarning?.(
    `Breaking change to contracted, unversioned model ${String(node['name'])} (${String(node['original_file_path'])})\nWhile comparing to previous project state, dbt detected a breaking change to an unversioned model.\n  - ${reasons.join('\n  - ')}\n`,
  );
}

/**
 * dbt's same_contract_removed, for `state:modified`, `state:unmodified` and `.contract`: a model of
 * the state with an enforced contract that is now deleted, renamed or disabled is a breaking change
 * (unless past its deprecation_date; a disabled one whose own contract is no longer enforced is
 * not). Nothing is selected for it: it is not in the project.
 */
function removedContracts(ctx: MethodContext, previous: StateManifest): void {
  for (const [id, old] of previous.nodes) {
    if (old['resource_type'] !== 'model' || ctx.manifest.nodes.has(id)) continue;
    const disabled = ctx.manifest.disabled?.get(id)?.[0];
    const contract = disabled ? (disabled.config.contract as { enforced?: unknown } | undefined) : (old['contract'] as { enforced?: unknown } | undefined);
    if (contract?.enforced !== true) continue;
    const deprecation = old['deprecation_date'];
    if (typeof deprecation === 'string' && Date.parse(deprecation) < Date.now()) continue;
    breakingChange(ctx, old, [disabled ? `Contracted model '${id}' was disabled.` : `Contracted model '${id}' was deleted or renamed.`]);
  }
}
