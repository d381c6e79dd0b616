import { type RowContext, RowOperator } from "../bases/row-operator.js";
import type { JSONSchema } from "../contracts/json-schema.js";
import type { ChatMessage, GenerationSettings } from "../contracts/llm-serving.js";
import type { OperatorContext, OperatorSpec, ParamProblem } from "../contracts/operator.js";
import { drop, type ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { parseTemplate, renderTemplate, type TemplatePart } from "../operators/template-string.js";
import { generationSettings } from "./generation-params.js";
import { type Aggregation, type JudgeVerdict, judgeVerdict } from "./judge-aggregate.js";
import { type JudgeSample, judgeSchema, readJudgeSample } from "./judge-output.js";
import { type JudgeCommonParams, judgeCommonSchema, templateParam, templateReads } from "./judge-params.js";
import { JUDGE_PROMPT, judgeRetryNote, judgeValues } from "./judge-prompt.js";
import { JUDGE_SCALES, type JudgeScale, type Rubric, resolveRubric, SCALE_INFO } from "./judge-rubric.js";
import { generateWithAttempts, unusable } from "./llm-attempts.js";
import { CompiledPrompt, checkPromptParam, type PromptParam, promptParamSchema } from "./prompt-template.js";

/** A step's own judge prompt: the item (row columns), and/or the messages around it (JUDGE_PROMPT's placeholders). */
export interface JudgePromptParam extends PromptParam {
  item?: string;
}

export interface JudgeParams extends JudgeCommonParams {
  prompt?: string | JudgePromptParam;
  scale: JudgeScale;
  aggregate: Aggregation;
  threshold?: number;
  mode: "filter" | "annotate";
  samples: number;
}

/** The item template a step judges: its own (`prompt`, or `prompt.item`), else its preset rubric's. */
function itemTemplate(p: JudgeParams): { template: string; path: string[] } {
  if (typeof p.prompt === "string") return { template: p.prompt, path: ["params", "prompt"] };
  if (p.prompt?.item !== undefined) return { template: p.prompt.item, path: ["params", "prompt", "item"] };
  const { prompt } = resolveRubric(p.rubric);
  if (prompt === undefined) throw new Error("params.prompt.item is required with a rubric given as criteria");
  return { template: prompt, path: ["params", "rubric"] };
}

/** The messages part of the `prompt` param, when it is an object. */
function messagesParam(p: JudgeParams): PromptParam | undefined {
  if (typeof p.prompt !== "object") return undefined;
  const { item: _item, ...messages } = p.prompt;
  return messages;
}

function checkJudgeParams(p: JudgeParams): ParamProblem[] {
  const problems = checkPromptParam(messagesParam(p), JUDGE_PROMPT);
  if (typeof p.prompt === "object" && p.prompt.system !== undefined && p.system !== undefined)
    problems.push({
      path: ["prompt", "system"],
      message: "the system message is given twice, here and in system",
      hint: "keep one: system (with row columns) or prompt.system (with the judge's placeholders)",
    });
  if (
    typeof p.prompt === "object" &&
    p.prompt.item === undefined &&
    resolveRubric(p.rubric).prompt === undefined
  )
    problems.push({
      path: ["prompt"],
      message: "a rubric given as criteria brings no item to judge",
      hint: "add prompt.item: the item, with {{column}} placeholders from the row",
    });
  return problems;
}

/** LLM-as-judge: scores each row against a rubric, then filters below a threshold or annotates. */
export class JudgeOperator extends RowOperator<JudgeParams> {
  static readonly spec: OperatorSpec<JudgeParams> = {
    name: "llm/judge",
    version: "1.0.0",
    description:
      "Ask the step's serving to grade each row against a rubric: `prompt` (the item, from the row's " +
      "{{column}} placeholders) is scored on every criterion (pass-fail: 0/1, or 1-5) with a reason, as JSON " +
      "checked against a schema built from the rubric. Scores are aggregated (min or mean); rows below " +
      "`threshold` are filtered (mode: filter) or kept and marked (mode: annotate). With samples > 1 the judge " +
      "is asked several times with distinct seeds, scores are averaged and its agreement is reported. Preset " +
      "rubric rare-question judges rare/doc2query output (question, scenario) against its document (text).",
    params: {
      type: "object",
      additionalProperties: false,
      required: ["rubric"],
      properties: {
        ...judgeCommonSchema,
        prompt: {
          anyOf: [
            templateParam("The item to judge (default: the preset rubric's)"),
            {
              type: "object",
              additionalProperties: false,
              properties: {
                item: templateParam("The item to judge (default: the preset rubric's)"),
                ...(promptParamSchema(JUDGE_PROMPT) as { properties: Record<string, JSONSchema> }).properties,
              },
            },
          ],
          description:
            "The item to judge (a {{column}} template), or { item, system, user }: the item and the messages " +
            "around it, whose placeholders are {{item}}, {{criteria}}, {{min}}, {{max}}, {{anchors}}, " +
            "{{guidance}}, {{guidance_section}} and {{answer_format}} (`dataflow operators llm/judge --prompts`)",
        },
        scale: {
          enum: [...JUDGE_SCALES],
          default: "1-5",
          description: "Score per criterion: 0/1, or 1 to 5",
        },
        aggregate: {
          enum: ["min", "mean"],
          default: "min",
          description: "min: the weakest criterion decides; mean: the average of the criteria",
        },
        threshold: {
          type: "number",
          minimum: 0,
          maximum: 5,
          description: "Aggregate score a row needs to pass (default: 1 on pass-fail, 4 on 1-5)",
        },
        mode: {
          enum: ["filter", "annotate"],
          default: "filter",
          description: "filter: drop rows below the threshold; annotate: keep every row, with `passed`",
        },
        samples: {
          type: "integer",
          minimum: 1,
          maximum: 10,
          default: 1,
          description: "Judge calls per row, seeds seed … seed+samples−1; scores are averaged",
        },
      },
      allOf: [
        // A rubric written in the YAML brings no item template of its own.
        {
          if: { required: ["rubric"], properties: { rubric: { type: "object" } } },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
          then: { required: ["prompt"] },
        },
        {
          if: { required: ["scale"], properties: { scale: { const: "pass-fail" } } },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
          then: { properties: { threshold: { maximum: 1 } } },
        },
      ],
    },
    inputs: {},
    outputs: {
      scores: {
        column: "judge_scores",
        description: "Criterion → score (the mean over samples)",
        schema: { type: "object", additionalProperties: { type: "number" } },
      },
      score: { column: "judge_score", description: "The aggregate score", schema: { type: "number" } },
      passed: {
        column: "judge_passed",
        description: "Whether the aggregate reached the threshold",
        schema: { type: "boolean" },
      },
      reason: { column: "judge_reason", description: "The judge's reason", schema: { type: "string" } },
    },
    serving: "required",
    prompt: JUDGE_PROMPT,
    checkParams: checkJudgeParams,
    columns: (p) => {
      const item = itemTemplate(p);
      return {
        reads: templateReads([
          [item.path, item.template],
          [["params", "system"], p.system],
        ]),
      };
    },
  };

  private rubric: Rubric = { criteria: {} };
  private criteria: string[] = [];
  private item: TemplatePart[] = [];
  private system: TemplatePart[] | undefined;
  private prompt = new CompiledPrompt(JUDGE_PROMPT, undefined);
  private schema: JSONSchema = {};
  private settings: GenerationSettings = {};
  private threshold = 0;

  override setup(ctx: OperatorContext<JudgeParams>): void {
    if (!ctx.serving)
      throw new Error(`step "${ctx.stepId}": llm/judge needs a serving; name one with \`serving:\``);
    const p = ctx.params;
    this.rubric = resolveRubric(p.rubric).rubric;
    this.criteria = Object.keys(this.rubric.criteria);
    this.item = parseTemplate(itemTemplate(p).template);
    this.system = p.system ? parseTemplate(p.system) : undefined;
    this.prompt = new CompiledPrompt(JUDGE_PROMPT, messagesParam(p));
    this.schema = judgeSchema(this.criteria, p.scale);
    this.settings = generationSettings(p);
    this.threshold = p.threshold ?? SCALE_INFO[p.scale].defaultThreshold;
    if (p.samples > 1 && p.temperature === 0) {
      ctx.logger.warn(
        `step "${ctx.stepId}": ${p.samples} samples at temperature 0 differ only by seed; agreement will read high`,
      );
    }
  }

  async process(row: Row, ctx: RowContext<JudgeParams>): Promise<ProcessResult> {
    const p = ctx.params;
    const messages = this.prompt.messages(
      judgeValues({ item: renderTemplate(this.item, row), rubric: this.rubric, scale: p.scale }),
    );
    // The older `system` param is a template over the row's columns.
    if (this.system) messages[0] = { role: "system", content: renderTemplate(this.system, row) };
    const samples = await Promise.all(
      Array.from({ length: p.samples }, (_, i) => this.ask(ctx, messages, p.seed + i)),
    );
    const verdict = judgeVerdict(samples, {
      criteria: this.criteria,
      aggregate: p.aggregate,
      threshold: this.threshold,
    });
    this.record(ctx, verdict);
    if (!verdict.passed && p.mode === "filter") {
      // A bounded reason (one per criterion): the summary counts filtered rows by reason.
      return drop(`judge: below threshold (weakest: ${verdict.weakest})`);
    }
    return ctx.output({
      scores: verdict.scores,
      score: verdict.score,
      passed: verdict.passed,
      reason: verdict.reason,
    });
  }

  /** One judge call, asked again (up to maxAttempts) while the answer does not fit the rubric. */
  private ask(ctx: RowContext<JudgeParams>, messages: ChatMessage[], seed: number): Promise<JudgeSample> {
    return generateWithAttempts(ctx, {
      messages,
      settings: { ...this.settings, seed },
      maxAttempts: ctx.params.maxAttempts,
      schema: this.schema,
      schemaName: "judge",
      retryNote: judgeRetryNote,
      accept: (result) => {
        const sample = readJudgeSample(result.object, this.criteria, ctx.params.scale);
        if (typeof sample === "string") throw unusable(sample, result);
        return sample;
      },
    });
  }

  /** Score distributions and verdict counts for the run summary. */
  private record(ctx: RowContext<JudgeParams>, verdict: JudgeVerdict): void {
    ctx.observe("score", verdict.score);
    for (const c of this.criteria) ctx.observe(`score:${c}`, verdict.scores[c] ?? 0);
    ctx.count(verdict.passed ? "passed" : "failed", 1);
    if (ctx.params.samples > 1) {
      ctx.observe("judge_agreement", verdict.agreement);
      ctx.count(verdict.unanimous ? "judge_unanimous" : "judge_split", 1);
    }
  }
}
