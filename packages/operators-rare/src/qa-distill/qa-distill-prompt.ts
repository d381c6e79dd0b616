import type { PromptSpec } from "@dataflow/core";
import { type QaOption, rareQaInstruction } from "@dataflow/exports";
import type { QaDistillParams } from "./qa-distill-params.js";

/**
 * The verified-mode prompt, by default exactly the one `rareQaPrompt` (exports) builds: the
 * instruction, the labelled documents, the question and its options, as one user message. A step's
 * own prompt should keep asking for the think and answer tags, or no sample's answer can be read.
 */
export const QA_DISTILL_PROMPT: PromptSpec = {
  defaults: {
    system: "",
    user: "{{instruction}}\n\n# Retrieved documents\n{{documents}}\n\n# Question\n{{question}}{{options_section}}",
  },
  placeholders: {
    instruction:
      "the instruction param, else the built-in one (expert persona, reasoning, tags, answer form)",
    documents: "the documents, each as [Document i] and its text, blank-line separated",
    question: "the question",
    options: 'the options, one "A. text" line each ("" for a question without options)',
    options_section: '"\\n\\n# Options\\n" and the options when there are any, else ""',
    domain: 'the domain param ("" when not set)',
    think_tag: "the thinkTag param",
    answer_tag: "the answerTag param",
  },
};

export function qaDistillValues(
  p: QaDistillParams,
  input: { documents: readonly string[]; question: string; options: readonly QaOption[] },
): Record<string, unknown> {
  const instruction =
    p.instruction ??
    rareQaInstruction({
      multipleChoice: input.options.length > 0,
      thinkTag: p.thinkTag,
      answerTag: p.answerTag,
      ...(p.domain === undefined ? {} : { domain: p.domain }),
    });
  const options = input.options.map((o) => `${o.key}. ${o.text}`).join("\n");
  return {
    instruction: instruction.trim(),
    documents: input.documents.map((d, i) => `[Document ${i + 1}]\n${d.trim()}`).join("\n\n"),
    question: input.question.trim(),
    options,
    options_section: options ? `\n\n# Options\n${options}` : "",
    domain: p.domain ?? "",
    think_tag: p.thinkTag,
    answer_tag: p.answerTag,
  };
}
