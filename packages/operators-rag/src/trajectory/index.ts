// The check of this operator's `messages` output; the ReaRAG-20k format code itself lives in @dataflow/exports.
export { type ReaRagProblem, type ReaRagRule, validateReaRagMessages } from "@dataflow/exports";
export { IterativeTrajectoryOperator, type IterativeTrajectoryParams } from "./iterative-trajectory.js";
export {
  DEFAULT_USER_TEMPLATE,
  NO_PASSAGES_OBSERVATION,
  OBSERVATION_SYSTEM_PROMPT,
  observationAnswerMessages,
  TRAJECTORY_PROMPT,
  TRAJECTORY_SYSTEM_PROMPT,
} from "./prompts.js";
export type { TrajectoryStep } from "./trajectory-step.js";
