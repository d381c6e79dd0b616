// The public API of @dataflow/core. Runner internals (stats plumbing, flow gates, step contexts)
// stay behind it; test doubles live under the `@dataflow/core/testing` subpath as well as here,
// since plugin tests use them with the contracts.

export { DatasetOperator } from "./bases/dataset-operator.js";
// Operator bases and the LLM operator kit
export { type RowContext, RowOperator } from "./bases/row-operator.js";
export {
  type Diagnostic,
  errorKind,
  errorMessage,
  fatalExitCode,
  formatDiagnostic,
  formatLocation,
  isFatal,
  PipelineError,
  RowError,
  type RowErrorKind,
  type SourceLocation,
} from "./contracts/errors.js";
// Contracts
export type { JSONSchema } from "./contracts/json-schema.js";
export {
  type ChatMessage,
  type EmbeddingResult,
  type EmbedOptions,
  type EndpointStats,
  type GenerateOptions,
  type GenerationSettings,
  LLMError,
  type LLMErrorKind,
  type LLMRequest,
  type LLMResult,
  LLMServingABC,
  type Usage,
  type UsageTotals,
} from "./contracts/llm-serving.js";
export { type Logger, silentLogger, streamLogger } from "./contracts/logger.js";
export {
  type ColumnEffects,
  type ColumnRef,
  OperatorABC,
  type OperatorClass,
  type OperatorContext,
  type OperatorSpec,
  type ParamProblem,
  type PortSpec,
  type ShardingMode,
  type ShardPlace,
  type StepReporter,
} from "./contracts/operator.js";
export {
  applyPatch,
  type Drop,
  drop,
  isDrop,
  isRows,
  type ProcessResult,
  type Rows,
  type RowsOptions,
  rows,
} from "./contracts/process-result.js";
export { type RetrievedPassage, type RetrieveOptions, RetrieverABC } from "./contracts/retriever.js";
export { childRowId, type Row, type RowRecord } from "./contracts/row.js";
export type {
  CachedOutcome,
  RunManifest,
  RunStore,
  StepCache,
  StepManifest,
} from "./contracts/step-cache.js";
export type {
  PositionSink,
  RejectRecord,
  RejectSink,
  RowSink,
  RowSource,
  SourceItem,
  SourceProgress,
  Storage,
} from "./contracts/storage.js";
export { GenerateOperator, type GenerateParams } from "./llm/generate-operator.js";
export {
  type GenerationParams,
  generationParamsSchema,
  generationSettings,
  maxAttemptsSchema,
} from "./llm/generation-params.js";
export { type Aggregation, aggregateScores, type JudgeVerdict, judgeVerdict } from "./llm/judge-aggregate.js";
export { JudgeOperator, type JudgeParams } from "./llm/judge-operator.js";
export {
  type JudgeSample,
  judgeSchema,
  type PairwiseSample,
  pairwiseSchema,
  readJudgeSample,
  readPairwiseSample,
  type SlotChoice,
} from "./llm/judge-output.js";
export { PairwiseJudgeOperator, type PairwiseJudgeParams } from "./llm/judge-pairwise-operator.js";
export { judgeMessages, pairwiseMessages } from "./llm/judge-prompt.js";
export {
  JUDGE_SCALES,
  type JudgeScale,
  RUBRIC_PRESETS,
  type Rubric,
  type RubricPreset,
  resolveRubric,
  SCALE_INFO,
} from "./llm/judge-rubric.js";
export { type AttemptsOptions, generateWithAttempts, rawOutput, unusable } from "./llm/llm-attempts.js";
export { type PairOutcome, type PairwiseVerdict, pairwiseVerdict } from "./llm/pairwise-verdict.js";
export {
  CompiledPrompt,
  checkPromptParam,
  type PromptParam,
  type PromptSpec,
  type PromptTemplate,
  promptParamSchema,
} from "./llm/prompt-template.js";
export { findSourceReference } from "./llm/source-reference.js";
export * from "./operators/condition.js";
export * from "./operators/dedup.js";
export * from "./operators/drop.js";
export * from "./operators/filter.js";
// Operators that ship with core
export * from "./operators/index.js";
export * from "./operators/length-filter.js";
export * from "./operators/limit.js";
export * from "./operators/rename.js";
export * from "./operators/sample.js";
export * from "./operators/select.js";
export * from "./operators/template.js";
export {
  parseTemplate,
  renderTemplate,
  type TemplatePart,
  TemplateSyntaxError,
  templateColumns,
} from "./operators/template-string.js";
export {
  type CompileOptions,
  type CompileResult,
  compilePipeline,
  loadPipeline,
  type SourceRef,
} from "./pipeline/compile.js";
export { type Interpolated, interpolate } from "./pipeline/interpolate.js";
export { composePipelineSchema, type PipelineSchemaOptions } from "./pipeline/pipeline-schema.js";
export type * from "./pipeline/plan.js";
export { type FileFormatKind, FileFormatTable } from "./registry/file-format-kind.js";
export { KindTable } from "./registry/kind-table.js";
// Registry and pipelines
export { OperatorRegistry, type Plugin } from "./registry/registry.js";
export type { RetrieverContext, RetrieverKind, RetrieverServingUse } from "./registry/retriever-kind.js";
export type { ServingContext, ServingKind } from "./registry/serving-kind.js";
export type { DistributionSummary, Histogram } from "./runner/distribution.js";
export { type SourceIdentity, stepFingerprints } from "./runner/fingerprint.js";
export { derivesFrom, idLineage } from "./runner/row-lineage.js";
export {
  describeSelection,
  hashSelection,
  parseShard,
  type RowSelection,
  rangeSelection,
  selectionExhausted,
  selects,
  stableIdHash,
} from "./runner/row-selection.js";
// The runner
export { PipelineRun, type RunOptions, runPipeline, startRun } from "./runner/run-pipeline.js";
export type { RunSummary, StepSummary } from "./runner/run-stats.js";
export { sumUsage } from "./runner/run-summary.js";
export { planShards, type ShardPlan } from "./runner/shard-plan.js";
// In-memory storage and a one-operator runner, for tests and embedding
export * from "./testing/index.js";
// Helpers
export { createAjv } from "./util/ajv.js";
export { canonicalJson, jsonDigest, jsonEqual } from "./util/canonical-json.js";
export { describeValue } from "./util/describe-value.js";
export { didYouMean, suggest } from "./util/did-you-mean.js";
export { forgetRecordedSecrets, recordSecret, redact, redactValue } from "./util/redactor.js";
export { redactSecrets } from "./util/secrets.js";
export { type SeededRandom, seededPermutation, seededRandom, seededShuffle } from "./util/seeded-shuffle.js";
