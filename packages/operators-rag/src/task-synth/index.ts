export { type TaskSynthPromptInput, taskSynthMessages, type Verdict } from "./prompts.js";
export { TASK_SYNTH_SCHEMA, TaskSynthOperator, type TaskSynthParams } from "./task-synth.js";
export {
  ANSWER_FORMAT_INFO,
  ANSWER_FORMATS,
  type AnswerFormat,
  DEFAULT_TASK_MIX,
  TASK_TYPE_INFO,
  TASK_TYPES,
  type TaskType,
  type TaskTypeInfo,
} from "./task-types.js";
