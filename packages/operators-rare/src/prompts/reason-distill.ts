import { type ChatMessage, CompiledPrompt, type PromptSpec } from "@dataflow/core";

export interface ReasonDistillPromptInput {
  scenario?: string;
  question: string;
  /** In the order shown; labelled [Document 1], [Document 2], …. */
  documents: readonly string[];
  language: string;
}

/** The label of the i-th document (0-based) as the prompt shows it. */
export function documentLabel(i: number): string {
  return `[Document ${i + 1}]`;
}

const USER = [
  "{{scenario_section}}# Question",
  "{{question}}",
  "",
  "# Retrieved documents",
  "A search returned the documents below. They are not all relevant: some only share words with the " +
    "question. Decide for yourself which ones help.",
  "",
  "{{documents}}",
  "",
  "# How to answer",
  "1. State the essential problem: what the question really asks and what a good answer must settle.",
  "2. Go through the documents one at a time, by label, and say whether each is relevant and what it " +
    "contributes, if anything. Do not trust a document just because it was retrieved.",
  "3. Reason step by step toward a conclusion, combining the useful evidence with your own knowledge of " +
    "the field. Make every inference explicit and consider alternatives before you settle.",
  '4. Finish with a final section that starts on a new line with "Answer:" and gives your answer.',
  "",
  "Write in {{language}}.",
].join("\n");

/**
 * The ReasonDistill prompt: the problem, the labelled mix of the positive and its hard negatives,
 * and instructions to find the core problem, judge each document, reason step by step and finish
 * with a marked answer (the `Answer:` line `splitAnswer` looks for). A step's own prompt should keep
 * asking for that line.
 */
export const REASON_DISTILL_PROMPT: PromptSpec = {
  defaults: {
    system:
      "You are a careful domain expert. You reason from retrieved evidence, say which evidence you rely on " +
      "and why, and reach a conclusion.",
    user: USER,
  },
  placeholders: {
    question: "the question",
    scenario: 'the scenario ("" when the row has none)',
    scenario_section: '"# Scenario\\n<scenario>\\n\\n" when there is a scenario, else ""',
    documents:
      "the positive and its negatives, shuffled, each as [Document i] and its text, blank-line separated",
    language: "the language param",
  },
};

export function reasonDistillValues(input: ReasonDistillPromptInput): Record<string, unknown> {
  const scenario = input.scenario?.trim() ?? "";
  return {
    question: input.question.trim(),
    scenario,
    scenario_section: scenario ? `# Scenario\n${scenario}\n\n` : "",
    documents: input.documents.map((d, i) => `${documentLabel(i)}\n${d.trim()}`).join("\n\n"),
    language: input.language,
  };
}

/** The default ReasonDistill request. */
export function reasonDistillMessages(input: ReasonDistillPromptInput): ChatMessage[] {
  return new CompiledPrompt(REASON_DISTILL_PROMPT, undefined).messages(reasonDistillValues(input));
}

/** Added to a retry: why the previous answer was refused. */
export function reasonDistillRetryNote(reason: string): string {
  return (
    `Your previous reply could not be used (${reason}). Answer again: reason step by step about the ` +
    'documents and the question, then finish with a line that starts with "Answer:".'
  );
}
