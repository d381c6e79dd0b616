import type { ChatMessage } from "@dataflow/core";

export interface Doc2QueryPromptInput {
  document: string;
  /** Language of the scenario and the question. */
  language: string;
  /** What the corpus is about, when the pipeline knows ("veterinary pharmacology"). */
  domain?: string;
}

const SYSTEM =
  "You design hard, realistic problems for training and testing models that reason with retrieved " +
  "knowledge. You follow the requested output format exactly.";

/**
 * The Doc2Query request: one scenario + question that a practitioner could face, which the
 * document's knowledge helps answer but which never depends on seeing the document.
 */
export function doc2QueryMessages(input: Doc2QueryPromptInput): ChatMessage[] {
  const domain = input.domain?.trim();
  const user = [
    "Read the reference material at the end of this message. Use it only as a source of expertise, " +
      "and write ONE challenging problem from its field: a short realistic scenario, then a question about it.",
    "",
    "The problem must:",
    "- stand on its own: the scenario states every detail a solver needs, so someone who never saw the " +
      "reference material understands it completely;",
    "- require analysis, evaluation or synthesis (weighing trade-offs, diagnosing a cause, choosing and " +
      "justifying a course of action, predicting what happens next), not the recall of a single fact;",
    "- be answerable well by someone who knows the principles the material explains, while remaining a " +
      "meaningful problem of the field without it;",
    "- sound like a practitioner of the field wrote it, using the field's own terms.",
    "",
    "The problem must not:",
    '- mention or point at the material in any way (no "the document", "the passage", "the text", ' +
      '"the author", "as described above"); write as if it did not exist;',
    "- ask what the material says, reuse its sentences, or hinge on names, numbers or details found only in it;",
    "- drift outside the material's field.",
    "",
    "Work it out before answering: name the field and the central ideas of the material, imagine a " +
      "situation in which someone must apply those ideas to decide or explain something, then write the " +
      "scenario (two to five sentences) and the question (one or two sentences).",
    ...(domain ? ["", `The material comes from this domain: ${domain}.`] : []),
    "",
    `Write the scenario and the question in ${input.language}.`,
    "",
    "End your reply with exactly one JSON object of this shape, and nothing after it:",
    '{"scenario": "<the situation>", "question": "<the question>"}',
    "",
    "<reference_material>",
    input.document,
    "</reference_material>",
  ].join("\n");
  return [
    { role: "system", content: SYSTEM },
    { role: "user", content: user },
  ];
}

/** Added to a retry: why the previous answer was refused. */
export function doc2QueryRetryNote(reason: string): string {
  return (
    `Your previous reply could not be used (${reason}). Write a new problem that keeps every rule above, ` +
    'and end with the JSON object {"scenario": "...", "question": "..."} and nothing after it.'
  );
}
