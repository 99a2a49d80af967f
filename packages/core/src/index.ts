// Public API of @tsdbt/core. Whatever is not exported here is internal.
export { TsdbtProject } from './tsdbt.js';
export type { OpenOptions, RunOptions, RunResult, CompiledNode } from './tsdbt.js';
export type { LoadOptions } from './load/load-project.js';
export type { TargetConfig } from './load/profiles.js';
export type { SelectionOptions } from './select/select-nodes.js';
export type { Manifest, SelectorDefinition } from './manifest/manifest.js';
export type { NodeConfig } from './manifest/config.js';
export type {
  ManifestNode, ModelNode, SeedNode, SourceNode, TestNode, MacroNode, Relation, ColumnInfo, ResourceType, RefCall, TestMetadata,
} from './manifest/nodes.js';
export type { RunEvent, EventHandler, NodeResult, NodeStatus, NodeTiming, Command } from './report/events.js';
export { TsdbtError, ProjectError, UsageError, DatabaseError, ConnectionError, isProjectLevelError } from './shared/errors.js';
export type { SourceLocation } from './shared/errors.js';
