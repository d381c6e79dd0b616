import {
  CompiledPrompt,
  checkPromptParam,
  describeValue,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
  rows,
} from "@dataflow/core";
import { type QaOption, readQaOptions } from "@dataflow/exports";
import { readGold } from "./answer-match.js";
import { rowDocuments } from "./documents.js";
import { QA_DISTILL_PARAMS, type QaDistillParams } from "./qa-distill-params.js";
import { QA_DISTILL_PROMPT, qaDistillValues } from "./qa-distill-prompt.js";
import { noCorrectSample, type Sample, sampleUntilCorrect } from "./rejection-sampling.js";

/**
 * RARE's verified mode: a teacher reasons over retrieved documents towards a labelled question's
 * answer, and only reasoning whose answer matches the gold one is kept (rejection sampling, up to
 * `maxSamples` per question). A question with no correct sample is rejected with every sample.
 */
export class QaDistillOperator extends RowOperator<QaDistillParams> {
  static readonly spec: OperatorSpec<QaDistillParams> = {
    name: "rare/qa-distill",
    version: "1.0.0",
    description:
      "RARE's verified mode. For a labelled question (options optional), take the row's documents or the step " +
      "retriever's topK passages, and ask the step's serving, as an expert in `domain`, to reason step by step " +
      "over the labelled documents inside <think> and give the final answer inside <answer> (tags configurable; " +
      "a <think> the serving already split off is used as is). Samples are drawn one at a time, each with its " +
      "own seed from (seed, row id, sample number), until `keep` answers match the gold answer or maxSamples " +
      "are spent. Answers are compared as an option key (or the option's text), yes/no/maybe, a number (units " +
      "and thousands separators aside, within relTol) or free text (normalised, or token F1 ≥ minF1). Writes " +
      "the reasoning, the answer, correct (true), samples_used and the documents as shown; a question with no " +
      "correct sample is rejected as no-correct-sample with every sample's answer and reply.",
    params: QA_DISTILL_PARAMS,
    inputs: {
      question: { column: "question", description: "The question", schema: { type: "string" } },
      options: {
        column: "options",
        optional: true,
        description: "Multiple-choice options: a list (lettered A, B, …) or a map of letters to texts",
        schema: {
          anyOf: [
            { type: "array", items: { type: "string" } },
            { type: "object", additionalProperties: { type: "string" } },
            { type: "null" },
          ],
        },
      },
      answer: {
        column: "answer",
        description:
          "The gold answer: an option's key or text, yes/no/maybe, a number, a text, or a list of accepted texts",
        schema: { type: ["string", "number", "boolean", "array"] },
      },
      documents: {
        column: "documents",
        optional: true,
        description:
          "Documents already retrieved for the question; without them the step's retriever is asked",
        schema: { type: "array", items: { type: "string" } },
      },
    },
    outputs: {
      reasoning: { column: "reasoning", description: "The verified reasoning", schema: { type: "string" } },
      answer: {
        column: "teacher_answer",
        description:
          "The teacher's final answer, which matched the gold one (the gold answer stays in its column)",
        schema: { type: "string" },
      },
      correct: {
        column: "correct",
        description: "Whether the answer matched: always true",
        schema: { type: "boolean" },
      },
      samples_used: {
        column: "samples_used",
        description: "Samples drawn for the question, the kept ones included",
        schema: { type: "integer", minimum: 1 },
      },
      documents: {
        column: "documents",
        description:
          "The documents as the teacher saw them, in prompt order (cut to maxDocChars), for the export",
        schema: { type: "array", items: { type: "string" } },
      },
    },
    serving: "required",
    retriever: "optional",
    prompt: QA_DISTILL_PROMPT,
    checkParams: (p) => checkPromptParam(p.prompt, QA_DISTILL_PROMPT),
  };

  private prompt = new CompiledPrompt(QA_DISTILL_PROMPT, undefined);

  override async setup(ctx: OperatorContext<QaDistillParams>): Promise<void> {
    if (!ctx.serving) {
      throw new Error(`step "${ctx.stepId}": rare/qa-distill needs a serving; name one with \`serving:\``);
    }
    if (ctx.params.thinkTag.toLowerCase() === ctx.params.answerTag.toLowerCase()) {
      throw new Error(
        `step "${ctx.stepId}": thinkTag and answerTag must differ, both are "${ctx.params.thinkTag}"`,
      );
    }
    if (ctx.params.temperature === 0 && ctx.params.maxSamples > 1) {
      ctx.logger.warn(
        `step "${ctx.stepId}": temperature 0 makes resamples near copies of the first; rejection sampling needs a temperature above 0`,
      );
    }
    this.prompt = new CompiledPrompt(QA_DISTILL_PROMPT, ctx.params.prompt);
    // A broken corpus fails the step here, not every row.
    await ctx.retriever?.open({ signal: ctx.signal, tag: ctx.stepId });
  }

  async process(row: Row, ctx: RowContext<QaDistillParams>): Promise<ProcessResult> {
    const p = ctx.params;
    const { question, options, gold, goldText } = readQuestion(ctx);
    const documents = await rowDocuments(ctx, question, options);
    const messages = this.prompt.messages(qaDistillValues(p, { documents, question, options }));
    const samples = await sampleUntilCorrect(ctx, messages, gold);
    const kept = samples.filter((s) => s.correct);
    record(ctx, samples, kept.length);
    if (!kept.length) throw noCorrectSample(samples, goldText);
    const outputs = kept.map((s) =>
      ctx.output({
        reasoning: s.reasoning,
        answer: s.answer,
        correct: true,
        samples_used: samples.length,
        documents,
      }),
    );
    return outputs.length === 1 ? outputs[0] : rows(outputs.map((patch) => ({ ...row, ...patch })));
  }
}

/** The run summary's view of one question: its share in the verified count and the samples it cost. */
function record(ctx: RowContext<QaDistillParams>, samples: readonly Sample[], kept: number): void {
  ctx.count("samples", samples.length);
  ctx.observe("verified_share", kept > 0 ? 1 : 0);
  if (kept > 0) ctx.observe("samples_per_kept_item", samples.length);
  if (kept > 0 && kept < ctx.params.keep) ctx.count("fewer_than_keep");
  for (const s of samples) {
    if (s.untagged) ctx.count("untagged_answers");
    if (s.answer === undefined) ctx.count("samples_without_answer");
    else if (s.problem) ctx.count("samples_without_reasoning");
    else if (!s.correct) ctx.count("samples_wrong");
    if (s.correct) ctx.observe("reasoning_chars", s.reasoning.length);
  }
}

function readQuestion(ctx: RowContext<QaDistillParams>) {
  const question = ctx.input("question");
  if (typeof question !== "string" || !question.trim()) {
    throw new RowError(
      "bad-input",
      `column "${ctx.inputs.question}" must hold the question as non-empty text, got ${describeValue(question)}`,
    );
  }
  const read = readQaOptions(ctx.input("options"));
  if (!read.ok) throw new RowError("bad-input", `column "${ctx.inputs.options}" ${read.problem}`);
  const options: QaOption[] = read.options;
  const value = ctx.input("answer");
  try {
    const gold = readGold(value, options, ctx.params.answerKind);
    const goldText = Array.isArray(value) ? value.join(" | ") : String(value);
    return { question: question.trim(), options, gold, goldText };
  } catch (err) {
    throw new RowError("bad-input", `column "${ctx.inputs.answer}" ${(err as Error).message}`);
  }
}
