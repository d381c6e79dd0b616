import {
  CompiledPrompt,
  checkPromptParam,
  describeValue,
  type GenerationParams,
  generateWithAttempts,
  generationParamsSchema,
  generationSettings,
  maxAttemptsSchema,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type PromptParam,
  promptParamSchema,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
  seededPermutation,
  unusable,
} from "@dataflow/core";
import {
  REASON_DISTILL_PROMPT,
  reasonDistillRetryNote,
  reasonDistillValues,
} from "./prompts/reason-distill.js";
import { splitAnswer } from "./split-answer.js";

export interface ReasonDistillParams extends GenerationParams {
  seed: number;
  maxAttempts: number;
  language: string;
  maxDocChars?: number;
  generationSeed?: number;
  prompt?: PromptParam;
}

/**
 * RARE step 3: the teacher reasons over the positive hidden among its hard negatives. The mix is
 * shuffled by a hash of (seed, row id), so it is reproducible (the Python original used an unseeded
 * shuffle) and the positive's label is recorded. Reasoning from <think> / reasoning_content is kept;
 * an answer the model marks with "Answer:" goes to its own column.
 */
export class ReasonDistillOperator extends RowOperator<ReasonDistillParams> {
  static readonly spec: OperatorSpec<ReasonDistillParams> = {
    name: "rare/reason-distill",
    version: "1.0.0",
    description:
      "Show the teacher the scenario, the question and the positive document mixed among its hard negatives " +
      "(a shuffle seeded by `seed` and the row id; documents labelled [Document 1] …), and ask it to name the " +
      "essential problem, judge each document's relevance, reason step by step and finish with 'Answer:'. " +
      "Writes the reasoning (from <think>/reasoning_content when the model returns it, plus the text before " +
      "the answer), the marked answer (null when none) and the positive's 1-based label. An empty answer is " +
      "asked again up to maxAttempts calls, then the row is rejected with the raw output.",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        seed: {
          type: "integer",
          default: 0,
          description: "Seed of the document shuffle (combined with the row id)",
        },
        maxAttempts: maxAttemptsSchema,
        language: {
          type: "string",
          minLength: 1,
          default: "English",
          description: "Language of the reasoning",
        },
        maxDocChars: {
          type: "integer",
          minimum: 1,
          description: "Cut each document to this many characters in the prompt (default: send whole)",
        },
        ...generationParamsSchema,
        generationSeed: { type: "integer", description: "Sampling seed sent to the serving" },
        prompt: promptParamSchema(REASON_DISTILL_PROMPT),
      },
    },
    inputs: {
      text: { column: "text", description: "The positive document", schema: { type: "string" } },
      question: { column: "question", description: "The question", schema: { type: "string" } },
      scenario: {
        column: "scenario",
        optional: true,
        description: "The scenario, shown before the question",
        schema: { type: "string" },
      },
      negatives: {
        column: "hard_negatives",
        description: "The hard negatives' texts",
        schema: { type: "array", items: { type: "string" } },
      },
    },
    outputs: {
      reasoning: { column: "reasoning", description: "The teacher's reasoning", schema: { type: "string" } },
      answer: {
        column: "answer",
        description: "The answer the teacher marked, or null",
        schema: { type: ["string", "null"] },
      },
      positive_index: {
        column: "positive_index",
        description: "1-based label of the positive document in the prompt",
        schema: { type: "integer", minimum: 1 },
      },
      documents: {
        column: "documents",
        description:
          "The documents as the teacher saw them, in prompt order (cut to maxDocChars); exports rebuild the prompt from them",
        schema: { type: "array", items: { type: "string" } },
      },
    },
    serving: "required",
    prompt: REASON_DISTILL_PROMPT,
    checkParams: (p) => checkPromptParam(p.prompt, REASON_DISTILL_PROMPT),
  };

  private prompt = new CompiledPrompt(REASON_DISTILL_PROMPT, undefined);

  override setup(ctx: OperatorContext<ReasonDistillParams>): void {
    if (!ctx.serving)
      throw new Error(
        `step "${ctx.stepId}": rare/reason-distill needs a serving; name one with \`serving:\``,
      );
    this.prompt = new CompiledPrompt(REASON_DISTILL_PROMPT, ctx.params.prompt);
  }

  async process(_row: Row, ctx: RowContext<ReasonDistillParams>): Promise<ProcessResult> {
    const p = ctx.params;
    const positive = requireText(ctx, "text");
    const question = requireText(ctx, "question");
    const scenario = ctx.input("scenario");
    const negatives = ctx.input("negatives");
    if (!Array.isArray(negatives) || !negatives.every((n) => typeof n === "string")) {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.negatives}" must hold a list of texts, got ${describeValue(negatives)}`,
      );
    }

    const pool = [positive, ...(negatives as string[])];
    const order = seededPermutation(pool.length, `${p.seed}\u0000${ctx.rowId}`);
    const cut = (d: string) =>
      p.maxDocChars !== undefined && d.length > p.maxDocChars ? d.slice(0, p.maxDocChars) : d;
    const documents = order.map((i) => cut(pool[i] as string));
    const positiveIndex = order.indexOf(0) + 1;

    const out = await generateWithAttempts(ctx, {
      messages: this.prompt.messages(
        reasonDistillValues({
          question,
          documents,
          language: p.language,
          ...(typeof scenario === "string" ? { scenario } : {}),
        }),
      ),
      settings: generationSettings(p, { seed: p.generationSeed }),
      maxAttempts: p.maxAttempts,
      retryNote: reasonDistillRetryNote,
      accept: (result) => {
        const { before, answer } = splitAnswer(result.text);
        const thought = result.reasoning?.trim();
        // A separate answer section holds the reasoning only when one was marked; else the text is the answer.
        const reasoning = thought
          ? [thought, answer !== undefined ? before : ""].filter(Boolean).join("\n\n")
          : before;
        const finalAnswer = answer ?? (thought ? before || undefined : undefined);
        if (!reasoning) throw unusable("the reply has no reasoning before its answer", result);
        return { reasoning, answer: finalAnswer ?? null };
      },
    });
    ctx.observe("reasoning_chars", out.reasoning.length);
    if (out.answer === null) ctx.count("no_marked_answer", 1);
    return ctx.output({ ...out, positive_index: positiveIndex, documents });
  }
}

function requireText(ctx: RowContext<ReasonDistillParams>, port: string): string {
  const value = ctx.input(port);
  if (typeof value !== "string" || !value.trim()) {
    throw new RowError(
      "bad-input",
      `column "${ctx.inputs[port]}" must hold non-empty text, got ${typeof value === "string" ? "an empty string" : describeValue(value)}`,
    );
  }
  return value;
}
