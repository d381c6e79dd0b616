export { Bm25HardNegOperator, type Bm25HardNegParams } from "./bm25-hard-neg.js";
export { DOC2QUERY_SCHEMA, Doc2QueryOperator, type Doc2QueryParams } from "./doc2query.js";
export { type Doc2QueryPromptInput, doc2QueryMessages } from "./prompts/doc2query.js";
export {
  documentLabel,
  type ReasonDistillPromptInput,
  reasonDistillMessages,
} from "./prompts/reason-distill.js";
export * from "./qa-distill/index.js";
export { ReasonDistillOperator, type ReasonDistillParams } from "./reason-distill.js";
export { register } from "./register.js";
export { type SplitAnswer, splitAnswer } from "./split-answer.js";
