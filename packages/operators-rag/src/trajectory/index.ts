export { IterativeTrajectoryOperator, type IterativeTrajectoryParams } from "./iterative-trajectory.js";
export {
  DEFAULT_USER_TEMPLATE,
  NO_PASSAGES_OBSERVATION,
  OBSERVATION_SYSTEM_PROMPT,
  observationAnswerMessages,
  TRAJECTORY_SYSTEM_PROMPT,
} from "./prompts.js";
export {
  PythonLiteralError,
  type PyValue,
  parsePythonLiteral,
  parsePythonLiteralPrefix,
} from "./python-literal.js";
export { pythonRepr, pythonStringRepr } from "./python-repr.js";
export {
  type ReaRagProblem,
  type ReaRagRule,
  renderAction,
  renderStep,
  toReaRagMessages,
  validateReaRagMessages,
} from "./rearag-messages.js";
export { type ParsedStep, parseStep, type StepParse, type StepProblemCode, toAction } from "./step-parser.js";
export { answerTokens, maxTokenF1, normalizeAnswer, tokenF1 } from "./token-f1.js";
export type { ActionStyle, ReaRagMessage, TrajectoryAction, TrajectoryStep } from "./trajectory-step.js";
