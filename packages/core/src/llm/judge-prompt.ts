import type { ChatMessage } from "../contracts/llm-serving.js";
import type { Rubric } from "./judge-rubric.js";
import { type JudgeScale, SCALE_INFO } from "./judge-rubric.js";

export const DEFAULT_JUDGE_SYSTEM =
  "You are a strict, fair judge of data written to train language models. You grade what you are shown " +
  "against a rubric, criterion by criterion, give each criterion the score the rubric's scale describes, " +
  "and say briefly why. You follow the requested output format exactly.";

export const DEFAULT_PAIRWISE_SYSTEM =
  "You are a strict, fair judge of data written to train language models. You compare two responses " +
  "against a rubric, criterion by criterion. Which response comes first says nothing about its quality, " +
  "and neither does its length. You follow the requested output format exactly.";

function criteriaLines(rubric: Rubric): string[] {
  return Object.entries(rubric.criteria).map(([name, what]) => `- ${name}: ${what}`);
}

function guidanceLines(rubric: Rubric): string[] {
  return rubric.guidance ? ["", rubric.guidance] : [];
}

/** The request for one pointwise grade of `item` (already rendered from the row). */
export function judgeMessages(o: {
  item: string;
  rubric: Rubric;
  scale: JudgeScale;
  system?: string;
}): ChatMessage[] {
  const names = Object.keys(o.rubric.criteria);
  const { min, max, anchors } = SCALE_INFO[o.scale];
  const shape = names.map((n) => `"${n}": <${min}-${max}>`).join(", ");
  const user = [
    "Grade the item below against each criterion of the rubric.",
    "",
    "<item>",
    o.item,
    "</item>",
    "",
    "Rubric:",
    ...criteriaLines(o.rubric),
    "",
    `Score each criterion from ${min} to ${max}: ${anchors}`,
    ...guidanceLines(o.rubric),
    "",
    "Reply with exactly one JSON object of this shape, and nothing after it:",
    `{"reason": "<why, in two or three sentences>", "scores": {${shape}}}`,
  ].join("\n");
  return [
    { role: "system", content: o.system ?? DEFAULT_JUDGE_SYSTEM },
    { role: "user", content: user },
  ];
}

/** The request comparing two responses, `first` shown as response 1; `context` is what they answer. */
export function pairwiseMessages(o: {
  context?: string;
  first: string;
  second: string;
  rubric: Rubric;
  system?: string;
}): ChatMessage[] {
  const names = Object.keys(o.rubric.criteria);
  const shape = names.map((n) => `"${n}": "1" | "2" | "tie"`).join(", ");
  const context = o.context ? ["<context>", o.context, "</context>", ""] : [];
  const user = [
    "Compare the two responses below against each criterion of the rubric.",
    "",
    ...context,
    "<response_1>",
    o.first,
    "</response_1>",
    "",
    "<response_2>",
    o.second,
    "</response_2>",
    "",
    "Rubric:",
    ...criteriaLines(o.rubric),
    ...guidanceLines(o.rubric),
    "",
    'For each criterion say which response meets it better, "1" or "2", or "tie" when neither does; ' +
      "then name the better response overall.",
    "Reply with exactly one JSON object of this shape, and nothing after it:",
    `{"reason": "<why, in two or three sentences>", "preferences": {${shape}}, "winner": "1" | "2" | "tie"}`,
  ].join("\n");
  return [
    { role: "system", content: o.system ?? DEFAULT_PAIRWISE_SYSTEM },
    { role: "user", content: user },
  ];
}

/** Added to a retry: why the previous answer could not be used. */
export function judgeRetryNote(reason: string): string {
  return `That answer could not be used (${reason}). Answer again with the JSON object exactly as asked.`;
}
