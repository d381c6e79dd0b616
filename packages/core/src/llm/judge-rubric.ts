import type { JSONSchema } from "../contracts/json-schema.js";

/** How each criterion is scored: 0 or 1, or 1 to 5. */
export const JUDGE_SCALES = ["pass-fail", "1-5"] as const;
export type JudgeScale = (typeof JUDGE_SCALES)[number];

export interface ScaleInfo {
  min: number;
  max: number;
  /** The aggregate a row needs to pass when the step sets no `threshold`. */
  defaultThreshold: number;
  /** What each score means, as the judge is told. */
  anchors: string;
}

export const SCALE_INFO: Readonly<Record<JudgeScale, ScaleInfo>> = {
  "pass-fail": {
    min: 0,
    max: 1,
    defaultThreshold: 1,
    anchors: "1 = the item meets the criterion; 0 = it does not.",
  },
  "1-5": {
    min: 1,
    max: 5,
    defaultThreshold: 4,
    anchors:
      "1 = fails the criterion entirely; 2 = mostly fails it; 3 = partly meets it; " +
      "4 = meets it with minor flaws; 5 = fully meets it.",
  },
};

/** Criteria by name (a JSON key: a letter, then letters, digits or `_`), each with what it asks. */
export interface Rubric {
  criteria: Readonly<Record<string, string>>;
  /** Anything else the judge should know (what the item is, what to ignore). */
  guidance?: string;
}

/** A named rubric with the item template that fits it, so a step can name it alone. */
export interface RubricPreset extends Rubric {
  description: string;
  /** The item to judge, with {{column}} placeholders. */
  prompt: string;
}

/**
 * The RARE Doc2Query criteria: the qualities `rare/doc2query` asks for, judged over its output
 * (`question`, `scenario`) and the document it came from (`text`).
 */
const RARE_QUESTION: RubricPreset = {
  description: "A RARE question (rare/doc2query output) judged against the document it was written from",
  criteria: {
    self_contained:
      "The scenario and question state every detail a solver needs: someone who never saw the document " +
      "understands the problem completely.",
    needs_reasoning:
      "Answering needs analysis, evaluation or synthesis (weighing trade-offs, diagnosing a cause, choosing " +
      "and justifying a course of action), not the recall of a single fact.",
    answerable_from_document:
      "Someone who knows what the document explains can answer it well; the answer does not hinge on facts " +
      "the document's field does not cover.",
    no_source_reference:
      'The scenario and question never point at the document ("the passage", "the text", "the author", ' +
      '"as described above") and do not hinge on names or numbers found only in it.',
  },
  guidance:
    "The document is shown to you only to judge the problem against it; the solver will never see it.",
  prompt: "Scenario:\n{{scenario}}\n\nQuestion:\n{{question}}\n\n" + "<document>\n{{text}}\n</document>",
};

export const RUBRIC_PRESETS: Readonly<Record<string, RubricPreset>> = { "rare-question": RARE_QUESTION };

/** The `rubric` param: a preset's name, or criteria given in the YAML. */
export type RubricParam = string | Rubric;

/** The rubric a `rubric` param names, and the preset's item template when it names a preset. */
export function resolveRubric(param: RubricParam): { rubric: Rubric; prompt?: string } {
  if (typeof param !== "string") return { rubric: param };
  const preset = RUBRIC_PRESETS[param];
  if (!preset) {
    throw new Error(`unknown rubric "${param}"; use one of ${Object.keys(RUBRIC_PRESETS).join(", ")}`);
  }
  return { rubric: preset, prompt: preset.prompt };
}

export const CRITERION_NAME = "^[A-Za-z][A-Za-z0-9_]{0,63}$";

export const rubricParamSchema: JSONSchema = {
  description:
    `A preset (${Object.keys(RUBRIC_PRESETS).join(", ")}) or {criteria: {name: what it asks}, guidance?}; ` +
    "every criterion is scored, and the answer must score them all",
  anyOf: [
    { enum: Object.keys(RUBRIC_PRESETS) },
    {
      type: "object",
      additionalProperties: false,
      required: ["criteria"],
      properties: {
        criteria: {
          type: "object",
          minProperties: 1,
          maxProperties: 20,
          propertyNames: { pattern: CRITERION_NAME },
          additionalProperties: { type: "string", minLength: 1 },
          description: "Criterion name → what the item must do to meet it",
        },
        guidance: { type: "string", minLength: 1, description: "More instructions for the judge" },
      },
    },
  ],
};
