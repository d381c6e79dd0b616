import { type ChatMessage, CompiledPrompt, type PromptSpec } from "@dataflow/core";
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

const USER = [
  "Write ONE {{task_type}} task grounded in the {{documents_noun}} at the end of this message.",
  "",
  "Task type {{task_type}}: {{task_definition}}.",
  "{{task_rules}}",
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
  "- be the answer itself, addressed to the user, not a description of the answer.{{domain_note}}",
  "",
  "Write the query and the answer in {{language}}.",
  "",
  "Reply with exactly one JSON object of this shape, and nothing after it:",
  '{"query": "<the user\'s request>", "answer": "<the ideal answer>"}',
  "",
  "{{documents}}",
].join("\n");

/** The task-synthesis prompt; a step's `prompt: { system, user }` replaces either message. */
export const TASK_SYNTH_PROMPT: PromptSpec = {
  defaults: {
    system:
      "You write training data for assistants that answer users with retrieved documents. Each example is " +
      "a realistic user request and the ideal answer grounded in the documents. You follow the requested " +
      "output format exactly.",
    user: USER,
  },
  placeholders: {
    task_type: "the drawn task type (factoid-qa, multi-hop, …)",
    task_definition: "what the task type is",
    task_rules: "the task type's guidance, the target verdict and the answer format, one '- ' line each",
    documents_noun: '"document", or "two documents" for two-document tasks',
    documents: '<document>…</document> (or <document id="A">, <document id="B">) around each text',
    verdict: '"supported" or "refuted" for fact-verification, else ""',
    answer_format: 'the drawn answer format\'s description, else ""',
    domain: 'the domain param ("" when not set)',
    domain_note: '"\\n\\nThe documents come from this domain: <domain>." when domain is set, else ""',
    language: "the language param",
  },
};

/** The placeholder values for one task. */
export function taskSynthValues(input: TaskSynthPromptInput): Record<string, unknown> {
  const info = TASK_TYPE_INFO[input.taskType];
  const two = input.documents.length > 1;
  const domain = input.domain?.trim() ?? "";
  const rules = [
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
  ];
  return {
    task_type: input.taskType,
    task_definition: info.definition,
    task_rules: rules.join("\n"),
    documents_noun: two ? "two documents" : "document",
    documents: input.documents
      .map(
        (doc, i) => `${two ? `<document id="${i === 0 ? "A" : "B"}">` : "<document>"}\n${doc}\n</document>`,
      )
      .join("\n"),
    verdict: input.verdict ?? "",
    answer_format: input.format ? ANSWER_FORMAT_INFO[input.format] : "",
    domain,
    domain_note: domain ? `\n\nThe documents come from this domain: ${domain}.` : "",
    language: input.language,
  };
}

/** The default request for one task of the drawn type, grounded in the row's document(s). */
export function taskSynthMessages(input: TaskSynthPromptInput): ChatMessage[] {
  return new CompiledPrompt(TASK_SYNTH_PROMPT, undefined).messages(taskSynthValues(input));
}

/** Added to a retry: why the previous answer was refused. */
export function taskSynthRetryNote(reason: string): string {
  return (
    `Your previous reply could not be used (${reason}). Write a new task that keeps every rule above, ` +
    'and reply with the JSON object {"query": "...", "answer": "..."} and nothing after it.'
  );
}
