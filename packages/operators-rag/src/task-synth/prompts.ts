import type { ChatMessage } from "@dataflow/core";
import { ANSWER_FORMAT_INFO, type AnswerFormat, TASK_TYPE_INFO, type TaskType } from "./task-types.js";

export type Verdict = "supported" | "refuted";

export interface TaskSynthPromptInput {
  taskType: TaskType;
  /** The documents the task is grounded in: one, or two for multi-hop and comparison. */
  documents: readonly string[];
  /** The answer's format; absent for tasks with a fixed answer shape. */
  format?: AnswerFormat;
  /** For fact-verification: which verdict the claim must get, so verdicts stay balanced. */
  verdict?: Verdict;
  language: string;
  domain?: string;
}

const SYSTEM =
  "You write training data for assistants that answer users with retrieved documents. Each example is " +
  "a realistic user request and the ideal answer grounded in the documents. You follow the requested " +
  "output format exactly.";

/** The request for one task of the drawn type, grounded in the row's document(s). */
export function taskSynthMessages(input: TaskSynthPromptInput): ChatMessage[] {
  const info = TASK_TYPE_INFO[input.taskType];
  const two = input.documents.length > 1;
  const domain = input.domain?.trim();
  const user = [
    `Write ONE ${input.taskType} task grounded in the ${two ? "two documents" : "document"} at the end of this message.`,
    "",
    `Task type ${input.taskType}: ${info.definition}.`,
    ...info.guidance.map((g) => `- ${g}`),
    ...(input.verdict
      ? [
          `- The documents must ${input.verdict === "supported" ? "SUPPORT" : "REFUTE"} the claim, so the verdict is ` +
            `'${input.verdict === "supported" ? "Supported" : "Refuted"}'.` +
            (input.verdict === "refuted"
              ? " Make the claim a plausible mistake (a wrong number, cause, order or attribution), not an absurdity."
              : ""),
        ]
      : []),
    ...(input.format ? [`- Write the answer as ${ANSWER_FORMAT_INFO[input.format]}.`] : []),
    "",
    "The query must:",
    "- read like a real user wrote it, and stand on its own: a user never sees the documents, so every name " +
      "and detail the query needs is in the query itself;",
    '- never mention or point at the documents ("the document", "the passage", "the text", "document A", ' +
      '"both sources", "according to the context"); write as if they did not exist;',
    "- be about the documents' subject matter, in its own terms.",
    "",
    "The answer must:",
    "- be correct and complete according to the documents, and add nothing they do not support;",
    "- be the answer itself, addressed to the user, not a description of the answer.",
    ...(domain ? ["", `The documents come from this domain: ${domain}.`] : []),
    "",
    `Write the query and the answer in ${input.language}.`,
    "",
    "Reply with exactly one JSON object of this shape, and nothing after it:",
    '{"query": "<the user\'s request>", "answer": "<the ideal answer>"}',
    "",
    ...input.documents.flatMap((doc, i) => [
      two ? `<document id="${i === 0 ? "A" : "B"}">` : "<document>",
      doc,
      "</document>",
    ]),
  ].join("\n");
  return [
    { role: "system", content: SYSTEM },
    { role: "user", content: user },
  ];
}

/** Added to a retry: why the previous answer was refused. */
export function taskSynthRetryNote(reason: string): string {
  return (
    `Your previous reply could not be used (${reason}). Write a new task that keeps every rule above, ` +
    'and reply with the JSON object {"query": "...", "answer": "..."} and nothing after it.'
  );
}
