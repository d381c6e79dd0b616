import {
  type GenerationParams,
  generationParamsSchema,
  type JSONSchema,
  type PromptParam,
  promptParamSchema,
} from "@dataflow/core";
import { ANSWER_KINDS, type AnswerKind } from "./answer-match.js";
import { QA_DISTILL_PROMPT } from "./qa-distill-prompt.js";

export interface QaDistillParams extends GenerationParams {
  domain?: string;
  instruction?: string;
  topK: number;
  query: "question" | "question+options";
  maxDocChars?: number;
  maxSamples: number;
  keep: number;
  seed: number;
  thinkTag: string;
  answerTag: string;
  untaggedAnswers: boolean;
  answerKind: AnswerKind | "auto";
  relTol: number;
  minF1: number;
  prompt?: PromptParam;
}

const TAG: JSONSchema = { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_-]*$" };

export const QA_DISTILL_PARAMS: JSONSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    domain: {
      type: "string",
      minLength: 1,
      description: "The field of the expert the teacher is asked to be, e.g. 'bicycle maintenance'",
    },
    instruction: {
      type: "string",
      minLength: 1,
      description: "Replace the built-in instruction (persona, reasoning over the documents, answer format)",
    },
    topK: {
      type: "integer",
      minimum: 1,
      maximum: 50,
      default: 3,
      description: "Passages taken from the step's retriever for a row without documents",
    },
    query: {
      enum: ["question", "question+options"],
      default: "question+options",
      description:
        "What the retriever is asked: the question, or the question followed by its options' texts",
    },
    maxDocChars: {
      type: "integer",
      minimum: 1,
      description: "Cut each document to this many characters in the prompt (default: send whole)",
    },
    maxSamples: {
      type: "integer",
      minimum: 1,
      maximum: 64,
      default: 8,
      description: "Most samples drawn per question; a question with no correct one is rejected",
    },
    keep: {
      type: "integer",
      minimum: 1,
      default: 1,
      description:
        "Correct samples to keep per question: sampling stops once this many matched; above 1, each kept sample is its own row",
    },
    seed: {
      type: "integer",
      default: 0,
      description:
        "Combined with the row id and the sample's number into each sample's seed: samples differ, and a rerun asks the same requests",
    },
    thinkTag: { ...TAG, default: "think", description: "Tag around the reasoning in the reply" },
    answerTag: { ...TAG, default: "answer", description: "Tag around the final answer in the reply" },
    untaggedAnswers: {
      type: "boolean",
      default: true,
      description:
        "Read a final 'Answer: …' line when the reply has no answer tag (counted as untagged_answers)",
    },
    answerKind: {
      enum: [...ANSWER_KINDS],
      default: "auto",
      description:
        "How answers are compared: auto (options → choice; yes/no/maybe; a number with at most a unit; else text), or one kind for every row",
    },
    relTol: {
      type: "number",
      minimum: 0,
      default: 0.01,
      description: "Numbers: the largest relative difference from the gold number that still counts as equal",
    },
    minF1: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.8,
      description:
        "Free text (and option texts): the least token F1 against the gold answer that counts as a match",
    },
    ...generationParamsSchema,
    prompt: promptParamSchema(QA_DISTILL_PROMPT),
  },
};
