export {
  ANSWER_KINDS,
  type AnswerKind,
  detectKind,
  type Gold,
  type MatchResult,
  type MatchSettings,
  matchAnswer,
  readGold,
} from "./answer-match.js";
export { QaDistillOperator } from "./qa-distill.js";
export type { QaDistillParams } from "./qa-distill-params.js";
export { type ReadReply, type ReplyTags, readReply } from "./read-reply.js";
export { type Sample, sampleSeed } from "./rejection-sampling.js";
