import type { ChatMessage } from "../contracts/llm-serving.js";
import type { Rubric } from "./judge-rubric.js";
import { type JudgeScale, SCALE_INFO } from "./judge-rubric.js";
import { CompiledPrompt, type PromptSpec } from "./prompt-template.js";

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

const JUDGE_USER = [
  "Grade the item below against each criterion of the rubric.",
  "",
  "<item>",
  "{{item}}",
  "</item>",
  "",
  "Rubric:",
  "{{criteria}}",
  "",
  "Score each criterion from {{min}} to {{max}}: {{anchors}}{{guidance_section}}",
  "",
  "Reply with exactly one JSON object of this shape, and nothing after it:",
  "{{answer_format}}",
].join("\n");

/**
 * The pointwise judge's prompt. In a step, `prompt: { system, user }` replaces either message and
 * `prompt.item` (or `prompt` as a plain string) is the item, rendered from the row's columns.
 */
export const JUDGE_PROMPT: PromptSpec = {
  defaults: { system: DEFAULT_JUDGE_SYSTEM, user: JUDGE_USER },
  placeholders: {
    item: "the item to judge, rendered from the row (prompt.item, or the preset rubric's)",
    criteria: 'the rubric\'s criteria, one "- name: what" line each',
    min: "the scale's lowest score",
    max: "the scale's highest score",
    anchors: "what the scale's scores mean",
    guidance: 'the rubric\'s guidance ("" when none)',
    guidance_section: '"\\n\\n" and the guidance when the rubric has some, else ""',
    answer_format: "the JSON shape the judge must reply with (reason and a score per criterion)",
  },
};

/** The placeholder values for one pointwise grade. */
export function judgeValues(o: { item: string; rubric: Rubric; scale: JudgeScale }): Record<string, unknown> {
  const names = Object.keys(o.rubric.criteria);
  const { min, max, anchors } = SCALE_INFO[o.scale];
  const shape = names.map((n) => `"${n}": <${min}-${max}>`).join(", ");
  return {
    item: o.item,
    criteria: criteriaLines(o.rubric).join("\n"),
    min,
    max,
    anchors,
    guidance: o.rubric.guidance ?? "",
    guidance_section: o.rubric.guidance ? `\n\n${o.rubric.guidance}` : "",
    answer_format: `{"reason": "<why, in two or three sentences>", "scores": {${shape}}}`,
  };
}

/** The default request for one pointwise grade of `item` (already rendered from the row). */
export function judgeMessages(o: {
  item: string;
  rubric: Rubric;
  scale: JudgeScale;
  system?: string;
}): ChatMessage[] {
  const prompt = new CompiledPrompt(JUDGE_PROMPT, undefined);
  const [system, user] = prompt.messages(judgeValues(o));
  return [{ role: "system", content: o.system ?? system?.content ?? "" }, user as ChatMessage];
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
