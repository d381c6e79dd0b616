export { ExportError, type ExportErrorKind } from "./export-error.js";
export { type ExportFormatDefinition, exportRow } from "./export-format.js";
export {
  EXPORT_INPUTS,
  ExportOperator,
  type ExportOperatorInfo,
  type ExportParams,
  exportColumns,
  exportOperatorSpec,
  exportParamsSchema,
} from "./export-operator.js";
export {
  type CommonExportOptions,
  checkExportOptions,
  type OptionRules,
  type UserContent,
} from "./export-options.js";
export {
  type OpenAIChatMessage,
  type OpenAIChatObservationAs,
  type OpenAIChatOptions,
  type OpenAIChatRecord,
  type OpenAITool,
  type OpenAIToolCall,
  openAIChatFromExample,
  REARAG_TOOLS,
  toOpenAIChat,
} from "./openai-chat.js";
export { OpenAIChatExportOperator, type OpenAIChatExportParams } from "./openai-chat-operator.js";
export { checkOpenAIChatRecord, OPENAI_CHAT_SCHEMA } from "./openai-chat-schema.js";
export {
  DEFAULT_REFUSAL,
  documentLabel,
  NOISY_CONTEXT_INSTRUCTION,
  noisyContextPrompt,
  RARE_INSTRUCTION,
  rarePrompt,
  rareTarget,
} from "./prompts.js";
export {
  type QaOption,
  type QaOptionsRead,
  type QaOptionsValue,
  type RareQaInstructionInput,
  type RareQaPromptInput,
  rareQaInstruction,
  rareQaPrompt,
  rareQaTarget,
  readQaOptions,
} from "./rare-qa-prompt.js";
export {
  PythonLiteralError,
  type PythonLiteralOptions,
  type PyValue,
  parsePythonLiteral,
  parsePythonLiteralPrefix,
} from "./rearag/python-literal.js";
export { pythonRepr, pythonStringRepr } from "./rearag/python-repr.js";
export {
  REARAG_DEFAULT_MAX_STEPS,
  type ReaRagOptions,
  type ReaRagRecord,
  reaRagFromExample,
  toReaRag,
} from "./rearag.js";
export { type ActionProblemCode, type ActionRead, renderAction, toReaRagAction } from "./rearag/rearag-action.js";
export { toReaRagMessages } from "./rearag/rearag-messages.js";
export { ReaRagExportOperator, type ReaRagExportParams } from "./rearag-operator.js";
export { checkReaRagRecord, REARAG_SCHEMA } from "./rearag-schema.js";
export {
  parseReaRagStep,
  type ReadStep,
  type ReadStepOptions,
  ReaRagStepError,
  readReaRagStep,
  renderStep,
  type StepProblemCode,
  type StepRead,
} from "./rearag/rearag-step.js";
export {
  bareQuestion,
  type ParseTrajectoryOptions,
  parseReaRagTrajectory,
  type ReaRagProblem,
  type ReaRagRule,
  TrajectoryError,
  type ValidateReaRagOptions,
  validateReaRagMessages,
} from "./rearag/rearag-trajectory.js";
export type {
  ActionStyle,
  ReaRagAction,
  ReaRagMessage,
  ReaRagStep,
  ReaRagStepContent,
  ReaRagStepParts,
  ReaRagTrajectory,
} from "./rearag/rearag-types.js";
export { register } from "./register.js";
export {
  type Example,
  KIND_PORTS,
  plainRowSource,
  type ReadOptions,
  ROW_KINDS,
  type RowKind,
  type RowSource,
  readExample,
  type SingleTurnExample,
  type TrajectoryExample,
} from "./row-kinds.js";
export {
  type ShareGptObservationAs,
  type ShareGptOptions,
  type ShareGptRecord,
  type ShareGptTurn,
  shareGptFromExample,
  toShareGpt,
} from "./sharegpt.js";
export { ShareGptExportOperator, type ShareGptExportParams } from "./sharegpt-operator.js";
export { checkShareGptRecord, SHAREGPT_SCHEMA } from "./sharegpt-schema.js";
export { answerTokens, maxTokenF1, normalizeAnswer, tokenF1 } from "./token-f1.js";
export {
  type TrlLayout,
  type TrlMessage,
  type TrlObservationAs,
  type TrlOptions,
  type TrlRecord,
  toTrl,
  trlFromExample,
  trlLayoutFor,
} from "./trl.js";
export { TrlExportOperator, type TrlExportParams } from "./trl-operator.js";
export { checkTrlRecord, TRL_SCHEMA } from "./trl-schema.js";
export {
  assertValidExport,
  EXPORT_FORMATS,
  EXPORT_SCHEMAS,
  type ExportFormat,
  type ExportValidation,
  validateExport,
} from "./validate.js";
