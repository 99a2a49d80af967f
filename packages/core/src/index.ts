// Public API of @tsdbt/core. Whatever is not exported here is internal.
export { TsdbtProject } from './tsdbt.js';
export type { OpenOptions, RunOptions, RunResult, CompiledNode, FromLoadedOptions, ValidateOptions, RetryOptions, FreshnessRunResult } from './tsdbt.js';
export type { FreshnessResult, FreshnessStatus } from './report/freshness-results.js';
export type { RetryPlan } from './state/retry-plan.js';
export type { DeferOptions } from './execute/deferral.js';
export type { DebugCheck, DebugReport } from './adapter/debug-checks.js';
export type {
  ProjectAnalysis, NodeAnalysis, AnalysisStatus, AnalyzedColumn, ColumnSource, DependencyKind, ValidationIssue, IssueSeverity,
} from './analyze/analysis.js';
export type { ColumnKey, ColumnTrace, LineageEdge, TraceOptions } from './analyze/lineage-graph.js';
export { prepareValidation } from './analyze/analyze-project.js';
export type { DepsOptions, DepsResult, InstalledPackage } from './deps/install-packages.js';
export { initProject, existingProject, PROJECT_NAME } from './workspace/init-project.js';
export type { InitOptions, InitResult } from './workspace/init-project.js';
export type { StarterTarget } from './workspace/starter-project.js';
export { cleanProject } from './workspace/clean-project.js';
export type { CleanOptions, CleanResult } from './workspace/clean-project.js';
export { loadProject } from './load/load-project.js';
export { UNUSED_CONFIG_PATHS } from './load/unused-config-paths.js';
export { keepWarmStarts } from './load/warm-memory.js';
export type { LoadOptions, LoadedProject, LoadTimings } from './load/load-project.js';
export { reloadProject } from './load/incremental-load.js';
export type { FileChange, ReloadResult } from './load/incremental-load.js';
export type { ProjectGraph } from './graph/project-graph.js';
export type { TargetConfig } from './load/profiles.js';
export type { SelectionOptions } from './select/select-nodes.js';
export type { Manifest, SelectorDefinition } from './manifest/manifest.js';
export type { NodeConfig } from './manifest/config.js';
export type { SnapshotSettings, HardDeletes, SnapshotColumnNames } from './manifest/snapshot-config.js';
export type {
  ManifestNode, ModelNode, SeedNode, SnapshotNode, SourceNode, TestNode, UnitTestNode, UnitTestInput, UnitTestRows, UnitTestOverrides, FixtureFormat, MacroNode, Relation, ColumnInfo, ResourceType, RefCall, TestMetadata, FreshnessRule, FreshnessThreshold,
} from './manifest/nodes.js';
export type { RunEvent, EventHandler, NodeResult, NodeStatus, NodeTiming, Command } from './report/events.js';
export { TsdbtError, ProjectError, UsageError, DatabaseError, ConnectionError, isProjectLevelError } from './shared/errors.js';
export type { SourceLocation } from './shared/errors.js';
export { integerOption, NUMERIC_RULES } from './shared/numeric-option.js';
export { scrubSecrets, secretValues, SECRET_ENV_PREFIX } from './shared/secrets.js';
export type { IntegerRule } from './shared/numeric-option.js';
export { generateDocs, generateCatalog, serveDocs, layoutGraph, DOCS_ARTIFACTS } from './docs/index.js';
export type { DocsGenerateResult, DocsServer, ServeOptions, Catalog, DashboardsFile, Layout } from './docs/index.js';
export { watch } from './watch/watch.js';
export type { WatchOptions, Watcher } from './watch/watch.js';
export type { WatchEvent, WatchEventHandler } from './watch/events.js';
export { diffManifests } from './watch/diff.js';
export type { ManifestDiff } from './watch/diff.js';
export { startServer } from './serve/index.js';
export type { WarehouseServer, WarehouseServerOptions } from './serve/index.js';
