import { type ChatMessage, CompiledPrompt, type PromptSpec } from "@dataflow/core";

export interface Doc2QueryPromptInput {
  document: string;
  /** Language of the scenario and the question. */
  language: string;
  /** What the corpus is about, when the pipeline knows ("veterinary pharmacology"). */
  domain?: string;
  /** How many problems to ask for in one call (default 1). */
  questions?: number;
}

const USER = [
  "Read the reference material at the end of this message. Use it only as a source of expertise, " +
    "and write {{task}} from its field: a short realistic scenario, then a question about it.",
  "",
  "Every problem must:",
  "- stand on its own: the scenario states every detail a solver needs, so someone who never saw the " +
    "reference material understands it completely;",
  "- require analysis, evaluation or synthesis (weighing trade-offs, diagnosing a cause, choosing and " +
    "justifying a course of action, predicting what happens next), not the recall of a single fact;",
  "- be answerable well by someone who knows the principles the material explains, while remaining a " +
    "meaningful problem of the field without it;",
  "- sound like a practitioner of the field wrote it, using the field's own terms.",
  "",
  "No problem may:",
  '- mention or point at the material in any way (no "the document", "the passage", "the text", ' +
    '"the author", "as described above"); write as if it did not exist;',
  "- ask what the material says, reuse its sentences, or hinge on names, numbers or details found only in it;",
  "- drift outside the material's field.",
  "",
  "Work it out before answering: name the field and the central ideas of the material, imagine a " +
    "situation in which someone must apply those ideas to decide or explain something, then write the " +
    "scenario (two to five sentences) and the question (one or two sentences).{{domain_note}}",
  "",
  "Write the scenario and the question in {{language}}.",
  "",
  "{{answer_format}}",
  "",
  "<reference_material>",
  "{{document}}",
  "</reference_material>",
].join("\n");

/** The Doc2Query prompt; a step's `prompt: { system, user }` replaces either message. */
export const DOC2QUERY_PROMPT: PromptSpec = {
  defaults: {
    system:
      "You design hard, realistic problems for training and testing models that reason with retrieved " +
      "knowledge. You follow the requested output format exactly.",
    user: USER,
  },
  placeholders: {
    document: "the document (cut to maxDocChars)",
    language: "the language param",
    domain: 'the domain param ("" when not set)',
    domain_note: '"\\n\\nThe material comes from this domain: <domain>." when domain is set, else ""',
    questions: "how many problems to write (the questions param)",
    task: '"ONE challenging problem", or "<n> challenging problems that each test a different idea"',
    answer_format: "the closing instruction with the JSON shape the operator reads (one object, or a list)",
  },
};

/** The placeholder values for one document. */
export function doc2QueryValues(input: Doc2QueryPromptInput): Record<string, unknown> {
  const domain = input.domain?.trim() ?? "";
  const n = input.questions ?? 1;
  return {
    document: input.document,
    language: input.language,
    domain,
    domain_note: domain ? `\n\nThe material comes from this domain: ${domain}.` : "",
    questions: n,
    task: n === 1 ? "ONE challenging problem" : `${n} challenging problems that each test a different idea`,
    answer_format:
      n === 1
        ? 'End your reply with exactly one JSON object of this shape, and nothing after it:\n{"scenario": "<the situation>", "question": "<the question>"}'
        : `End your reply with exactly one JSON object holding the ${n} problems, of this shape, and nothing after it:\n` +
          '{"problems": [{"scenario": "<the situation>", "question": "<the question>"}, ...]}',
  };
}

/**
 * The default Doc2Query request: scenario + question problems that a practitioner could face, which
 * the document's knowledge helps answer but which never depend on seeing the document.
 */
export function doc2QueryMessages(input: Doc2QueryPromptInput): ChatMessage[] {
  return new CompiledPrompt(DOC2QUERY_PROMPT, undefined).messages(doc2QueryValues(input));
}

/** Added to a retry: why the previous answer was refused. */
export function doc2QueryRetryNote(reason: string, questions = 1): string {
  const shape =
    questions === 1
      ? 'the JSON object {"scenario": "...", "question": "..."}'
      : `the JSON object {"problems": [...]} holding ${questions} problems`;
  return (
    `Your previous reply could not be used (${reason}). Write ${questions === 1 ? "a new problem" : "new problems"} ` +
    `that keep every rule above, and end with ${shape} and nothing after it.`
  );
}
