/** The label of the i-th document (0-based), the one rare/reason-distill showed the teacher, so reasoning that cites "[Document 2]" still points at the right text. */
export function documentLabel(i: number): string {
  return `[Document ${i + 1}]`;
}

function labelled(documents: readonly string[]): string {
  return documents.map((d, i) => `${documentLabel(i)}\n${d.trim()}`).join("\n\n");
}

/** What the student is asked after a RARE problem; the reasoning it learns answers it. */
export const RARE_INSTRUCTION =
  "Reason step by step: say which documents help and why, draw on what you know, and give your answer.";

/** What the student is asked after a noisy-context task. */
export const NOISY_CONTEXT_INSTRUCTION =
  "Respond using only the documents above; some of them may be irrelevant. If they do not contain what is needed, say so.";

/** The target of an unanswerable noisy-context row, unless `refusal` says otherwise. */
export const DEFAULT_REFUSAL = "The provided documents do not contain the information needed to answer this.";

export interface RarePromptInput {
  scenario?: string;
  question: string;
  documents: readonly string[];
  instruction: string;
}

/** RARE's student prompt: the problem first, then the labelled documents, as the teacher saw them. */
export function rarePrompt(input: RarePromptInput): string {
  const scenario = input.scenario?.trim();
  return [
    ...(scenario ? ["# Scenario", scenario, ""] : []),
    "# Question",
    input.question.trim(),
    "",
    "# Retrieved documents",
    labelled(input.documents),
    "",
    input.instruction.trim(),
  ].join("\n");
}

export interface NoisyContextPromptInput {
  query: string;
  passages: readonly string[];
  instruction: string;
}

/** A RAG prompt: the retrieved passages first, then the task. */
export function noisyContextPrompt(input: NoisyContextPromptInput): string {
  return [
    "# Documents",
    labelled(input.passages),
    "",
    "# Task",
    input.query.trim(),
    "",
    input.instruction.trim(),
  ].join("\n");
}

/** RARE's target: the reasoning, then the marked answer on its own line when there is one. */
export function rareTarget(reasoning: string, answer: string | null): string {
  const parts = [reasoning.trim()];
  if (answer !== null) parts.push(`Answer: ${answer.trim()}`);
  return parts.filter((p) => p.length > 0).join("\n\n");
}
