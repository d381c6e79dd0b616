import type { JSONSchema } from "../contracts/json-schema.js";
import type { ChatMessage, GenerationSettings } from "../contracts/llm-serving.js";
import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import type { ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { RowOperator, type RowContext } from "../bases/row-operator.js";
import { parseTemplate, renderTemplate, type TemplatePart } from "../operators/template-string.js";
import { generationSettings } from "./generation-params.js";
import { type PairwiseSample, pairwiseSchema, readPairwiseSample } from "./judge-output.js";
import { type JudgeCommonParams, judgeCommonSchema, templateParam, templateReads } from "./judge-params.js";
import { judgeRetryNote, pairwiseMessages } from "./judge-prompt.js";
import { type Rubric, resolveRubric } from "./judge-rubric.js";
import { generateWithAttempts, unusable } from "./llm-attempts.js";
import { type PairwiseVerdict, pairwiseVerdict } from "./pairwise-verdict.js";

export interface PairwiseJudgeParams extends JudgeCommonParams {
  prompt?: string;
  a: string;
  b: string;
}

const OUTCOMES = ["a", "b", "tie", "inconsistent"];

/**
 * LLM-as-judge over two candidates, with position bias controlled: each pair is judged in both
 * orders, and a candidate wins only when both orders name it.
 */
export class PairwiseJudgeOperator extends RowOperator<PairwiseJudgeParams> {
  static readonly spec: OperatorSpec<PairwiseJudgeParams> = {
    name: "llm/judge-pairwise",
    version: "1.0.0",
    description:
      "Ask the step's serving which of two candidates (`a` and `b`, rendered from the row's {{column}} " +
      "placeholders, with an optional shared `prompt` as context) is better on each rubric criterion and " +
      "overall. Every pair is asked twice, a shown first and then b shown first; a candidate wins only when " +
      "both orders name it. A win against a tie is a tie; opposite wins are `inconsistent` (the position " +
      "decided) and counted as position bias. Rows are annotated, never filtered: filter on `winner` after it.",
    params: {
      type: "object",
      additionalProperties: false,
      required: ["rubric", "a", "b"],
      properties: {
        ...judgeCommonSchema,
        prompt: templateParam("What both candidates answer, shown as context (default: none)"),
        a: templateParam("Candidate a"),
        b: templateParam("Candidate b"),
      },
    },
    inputs: {},
    outputs: {
      winner: {
        column: "judge_winner",
        description: "a, b, tie, or inconsistent (the two orders named opposite candidates)",
        schema: { enum: OUTCOMES },
      },
      preferences: {
        column: "judge_preferences",
        description: "Criterion → a, b, tie or inconsistent, both orders combined the same way",
        schema: { type: "object", additionalProperties: { enum: OUTCOMES } },
      },
      reasons: {
        column: "judge_reasons",
        description: "The judge's reasons: [a shown first, b shown first]",
        schema: { type: "array", items: { type: "string" } },
      },
    },
    serving: "required",
    columns: (p) => ({
      reads: templateReads([
        [["params", "prompt"], p.prompt],
        [["params", "a"], p.a],
        [["params", "b"], p.b],
        [["params", "system"], p.system],
      ]),
    }),
  };

  private rubric: Rubric = { criteria: {} };
  private criteria: string[] = [];
  private templates: {
    prompt?: TemplatePart[];
    a: TemplatePart[];
    b: TemplatePart[];
    system?: TemplatePart[];
  } = { a: [], b: [] };
  private schema: JSONSchema = {};
  private settings: GenerationSettings = {};

  override setup(ctx: OperatorContext<PairwiseJudgeParams>): void {
    if (!ctx.serving)
      throw new Error(`step "${ctx.stepId}": llm/judge-pairwise needs a serving; name one with \`serving:\``);
    const p = ctx.params;
    this.rubric = resolveRubric(p.rubric).rubric;
    this.criteria = Object.keys(this.rubric.criteria);
    this.templates = {
      a: parseTemplate(p.a),
      b: parseTemplate(p.b),
      ...(p.prompt ? { prompt: parseTemplate(p.prompt) } : {}),
      ...(p.system ? { system: parseTemplate(p.system) } : {}),
    };
    this.schema = pairwiseSchema(this.criteria);
    // Both orders share the seed: their messages differ, so each is its own cache entry.
    this.settings = generationSettings(p, { seed: p.seed });
  }

  async process(row: Row, ctx: RowContext<PairwiseJudgeParams>): Promise<ProcessResult> {
    const t = this.templates;
    const a = renderTemplate(t.a, row);
    const b = renderTemplate(t.b, row);
    const shared = {
      rubric: this.rubric,
      ...(t.prompt ? { context: renderTemplate(t.prompt, row) } : {}),
      ...(t.system ? { system: renderTemplate(t.system, row) } : {}),
    };
    const [ab, ba] = await Promise.all([
      this.ask(ctx, pairwiseMessages({ ...shared, first: a, second: b })),
      this.ask(ctx, pairwiseMessages({ ...shared, first: b, second: a })),
    ]);
    const verdict = pairwiseVerdict(ab, ba, this.criteria);
    this.record(ctx, verdict);
    return ctx.output({
      winner: verdict.winner,
      preferences: verdict.preferences,
      reasons: [ab.reason, ba.reason],
    });
  }

  private ask(ctx: RowContext<PairwiseJudgeParams>, messages: ChatMessage[]): Promise<PairwiseSample> {
    return generateWithAttempts(ctx, {
      messages,
      settings: this.settings,
      maxAttempts: ctx.params.maxAttempts,
      schema: this.schema,
      schemaName: "pairwise_judge",
      retryNote: judgeRetryNote,
      accept: (result) => {
        const sample = readPairwiseSample(result.object, this.criteria);
        if (typeof sample === "string") throw unusable(sample, result);
        return sample;
      },
    });
  }

  /** Outcome counts, position bias and the two orders' agreement for the run summary. */
  private record(ctx: RowContext<PairwiseJudgeParams>, verdict: PairwiseVerdict): void {
    ctx.count(`winner:${verdict.winner}`, 1);
    if (verdict.positionBias) ctx.count(`position_bias:${verdict.positionBias}`, 1);
    ctx.observe("order_agreement", verdict.ordersAgree ? 1 : 0);
  }
}
