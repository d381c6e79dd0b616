import {
  CompiledPrompt,
  checkPromptParam,
  describeValue,
  drop,
  findSourceReference,
  type GenerationParams,
  generateWithAttempts,
  generationParamsSchema,
  generationSettings,
  type JSONSchema,
  type LLMResult,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type PromptParam,
  promptParamSchema,
  type RetrievedPassage,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
  seededRandom,
  unusable,
} from "@dataflow/core";
import { sameTextKey } from "../shared/same-text.js";
import { weightedChoice } from "../shared/weighted-choice.js";
import { TASK_SYNTH_PROMPT, taskSynthRetryNote, taskSynthValues, type Verdict } from "./prompts.js";
import {
  ANSWER_FORMATS,
  type AnswerFormat,
  DEFAULT_TASK_MIX,
  TASK_TYPE_INFO,
  TASK_TYPES,
  type TaskType,
} from "./task-types.js";

export interface TaskSynthParams extends GenerationParams {
  generationSeed?: number;
  taskMix: Partial<Record<TaskType, number>>;
  answerFormat?: Partial<Record<AnswerFormat, number>>;
  supportedShare: number;
  seed: number;
  maxAttempts: number;
  minDocChars: number;
  maxDocChars?: number;
  language: string;
  domain?: string;
  neighbourCandidates: number;
  neighbourQueryChars: number;
  prompt?: PromptParam;
}

/** What the teacher must return; the answer may be structured (extraction), and is then written as JSON text. */
export const TASK_SYNTH_SCHEMA: JSONSchema = {
  type: "object",
  properties: {
    query: { type: "string", minLength: 1 },
    answer: { type: ["string", "array", "object"] },
  },
  required: ["query", "answer"],
};

const VERDICT = /^\s*(?:\*\*)?(?:verdict\s*:\s*)?(?:\*\*)?(supported|refuted)\b/i;

function weightsSchema(keys: readonly string[], description: string, withDefault?: object): JSONSchema {
  return {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    properties: Object.fromEntries(keys.map((k) => [k, { type: "number", minimum: 0 }])),
    ...(withDefault ? { default: withDefault } : {}),
    description,
  };
}

/**
 * RAG-Tuning-style task synthesis: from a gold document, one query + gold answer of a task type
 * drawn per row (factoid, multi-hop, comparison, summarisation, extraction, fact verification,
 * advice, unanswerable), so a tuned model sees the breadth of real RAG requests rather than only
 * knowledge QA. Two-document tasks pair the row with its best-ranked neighbour from the retriever.
 */
export class TaskSynthOperator extends RowOperator<TaskSynthParams> {
  static readonly spec: OperatorSpec<TaskSynthParams> = {
    name: "rag/task-synth",
    version: "1.0.0",
    description:
      "Synthesise a diverse RAG task from each document: the task type is drawn from `taskMix` with a random " +
      "source keyed by (seed, row id), so it is reproducible; the teacher writes a self-contained query and the " +
      "gold answer as JSON {query, answer}. Types: factoid-qa, multi-hop-qa, comparison, summarisation, " +
      "extraction (a list, table or JSON answer), fact-verification (a claim answered Supported/Refuted with a " +
      "justification; the target verdict is drawn by supportedShare), open-ended-advice and unanswerable (a " +
      "plausible question the document does not answer; the answer says so). multi-hop-qa and comparison pair " +
      "the document with the best-ranked other passage of the step's retriever (not the row's own id, not the " +
      "same text); with no retriever or no such passage the row falls back to a single-document type (drawn " +
      "from the mix), counted. A query that points at 'the document/passage/text', an empty answer, or a " +
      "verification answer without a verdict is asked again, up to maxAttempts calls, then the row is " +
      "rejected with the raw output. Documents shorter than minDocChars are filtered. The row id is the " +
      "document's id in gold_ids.",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        taskMix: weightsSchema(
          TASK_TYPES,
          "Relative weight of each task type; types left out are never drawn",
          DEFAULT_TASK_MIX,
        ),
        answerFormat: weightsSchema(
          ANSWER_FORMATS,
          "Relative weight of each answer format, among the formats that fit the drawn task (default: the " +
            "task's fitting formats, equally). Fact verification and unanswerable keep their own answer shape",
        ),
        supportedShare: {
          type: "number",
          minimum: 0,
          maximum: 1,
          default: 0.5,
          description:
            "Share of fact-verification tasks whose claim the document supports (the rest refute it)",
        },
        seed: {
          type: "integer",
          default: 0,
          description: "Seed of the task draws (combined with the row id)",
        },
        maxAttempts: {
          type: "integer",
          minimum: 1,
          default: 3,
          description:
            "Total LLM calls per row when the answer is unusable; a row that still fails is rejected with the raw output",
        },
        minDocChars: {
          type: "integer",
          minimum: 0,
          default: 50,
          description: "Documents with fewer characters (trimmed) are filtered: too little to ask about",
        },
        maxDocChars: {
          type: "integer",
          minimum: 1,
          description: "Cut longer documents to this many characters in the prompt (default: send whole)",
        },
        language: {
          type: "string",
          minLength: 1,
          default: "English",
          description: "Language of the query and the answer",
        },
        domain: {
          type: "string",
          minLength: 1,
          description: "What the corpus is about, as a hint to the model",
        },
        neighbourCandidates: {
          type: "integer",
          minimum: 1,
          default: 10,
          description: "Passages retrieved when looking for a two-document task's second document",
        },
        neighbourQueryChars: {
          type: "integer",
          minimum: 1,
          default: 1000,
          description: "Characters of the document used as the query for its second document",
        },
        ...generationParamsSchema,
        generationSeed: { type: "integer", description: "Sampling seed sent to the serving" },
        prompt: promptParamSchema(TASK_SYNTH_PROMPT),
      },
    },
    inputs: {
      text: { column: "text", description: "The gold document", schema: { type: "string" } },
    },
    outputs: {
      task_type: {
        column: "task_type",
        description: "The task type the row got (after any fallback)",
        schema: { enum: [...TASK_TYPES] },
      },
      query: { column: "query", description: "The user's request", schema: { type: "string" } },
      answer: {
        column: "answer",
        description: "The gold answer (a structured answer as JSON text)",
        schema: { type: "string" },
      },
      gold_ids: {
        column: "gold_ids",
        description: "The row's id, then the second document's corpus id when the task uses one",
        schema: { type: "array", items: { type: "string" } },
      },
      gold_passages: {
        column: "gold_passages",
        description: "The gold documents' texts, in the order of gold_ids",
        schema: { type: "array", items: { type: "string" } },
      },
    },
    serving: "required",
    retriever: "optional",
    prompt: TASK_SYNTH_PROMPT,
    checkParams: (p) => checkPromptParam(p.prompt, TASK_SYNTH_PROMPT),
  };

  private prompt = new CompiledPrompt(TASK_SYNTH_PROMPT, undefined);

  override setup(ctx: OperatorContext<TaskSynthParams>): void {
    if (!ctx.serving)
      throw new Error(`step "${ctx.stepId}": rag/task-synth needs a serving; name one with \`serving:\``);
    this.prompt = new CompiledPrompt(TASK_SYNTH_PROMPT, ctx.params.prompt);
    const mix = taskWeights(ctx.params.taskMix);
    if (!mix.some(([, w]) => w > 0)) {
      throw new Error(
        `step "${ctx.stepId}": taskMix gives no task type a positive weight; give at least one of ${TASK_TYPES.join(", ")} a weight above 0`,
      );
    }
    const answerFormat = ctx.params.answerFormat;
    if (answerFormat && !Object.values(answerFormat).some((w) => (w ?? 0) > 0)) {
      throw new Error(
        `step "${ctx.stepId}": answerFormat gives no format a positive weight; give at least one of ${ANSWER_FORMATS.join(", ")} a weight above 0, or leave answerFormat out`,
      );
    }
    const pairs = mix.filter(([t, w]) => w > 0 && TASK_TYPE_INFO[t].documents === 2).map(([t]) => t);
    if (pairs.length && !ctx.retriever) {
      ctx.logger.warn(
        `step "${ctx.stepId}": taskMix draws ${pairs.join(", ")}, which need a second document, but the step ` +
          "names no retriever; those rows fall back to single-document tasks (name one with `retriever:`)",
      );
    }
  }

  async process(_row: Row, ctx: RowContext<TaskSynthParams>): Promise<ProcessResult> {
    const p = ctx.params;
    const text = ctx.input("text");
    if (typeof text !== "string") {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.text}" must hold the document as a string, got ${describeValue(text)}`,
      );
    }
    const document = text.trim();
    if (document.length < p.minDocChars) return drop("document shorter than minDocChars");

    // Four draws, always taken, so each decision depends only on (seed, row id), never on another.
    const random = seededRandom(`${p.seed}\u0000${ctx.rowId}`);
    const uType = random.float();
    const uFallback = random.float();
    const uFormat = random.float();
    const uVerdict = random.float();

    const mix = taskWeights(p.taskMix);
    let taskType = weightedChoice(mix, uType) as TaskType;
    let second: RetrievedPassage | undefined;
    if (TASK_TYPE_INFO[taskType].documents === 2) {
      second = ctx.retriever ? await this.secondDocument(document, ctx) : undefined;
      if (!second) {
        ctx.count(ctx.retriever ? "fallback_no_second_document" : "fallback_no_retriever", 1);
        const single = mix.filter(([t]) => TASK_TYPE_INFO[t].documents === 1);
        taskType = (weightedChoice(single, uFallback) as TaskType | undefined) ?? "factoid-qa";
      }
    }
    const format = this.answerFormat(taskType, uFormat, ctx);
    const verdict: Verdict | undefined =
      taskType === "fact-verification" ? (uVerdict < p.supportedShare ? "supported" : "refuted") : undefined;

    const shown = [document, ...(second ? [second.text.trim()] : [])].map((d) => {
      if (p.maxDocChars === undefined || d.length <= p.maxDocChars) return d;
      ctx.count("documents_cut_to_maxDocChars", 1);
      return d.slice(0, p.maxDocChars);
    });
    const found = await generateWithAttempts(ctx, {
      messages: this.prompt.messages(
        taskSynthValues({
          taskType,
          documents: shown,
          ...(format ? { format } : {}),
          ...(verdict ? { verdict } : {}),
          language: p.language,
          ...(p.domain !== undefined ? { domain: p.domain } : {}),
        }),
      ),
      settings: generationSettings(p, { seed: p.generationSeed }),
      schema: TASK_SYNTH_SCHEMA,
      schemaName: "rag_task",
      maxAttempts: p.maxAttempts,
      retryNote: taskSynthRetryNote,
      accept: (result) => acceptTask(result, taskType),
    });

    ctx.count(`task:${taskType}`, 1);
    if (format) ctx.count(`answer_format:${format}`, 1);
    if (verdict) {
      const said = VERDICT.exec(found.answer)?.[1]?.toLowerCase();
      ctx.count(`verdict:${said}`, 1);
      if (said !== verdict) ctx.count("verdict_differs_from_target", 1);
    }
    ctx.observe("query_chars", found.query.length);
    ctx.observe("answer_chars", found.answer.length);
    return ctx.output({
      task_type: taskType,
      query: found.query,
      answer: found.answer,
      gold_ids: [ctx.rowId, ...(second ? [second.id] : [])],
      gold_passages: [text, ...(second ? [second.text] : [])],
    });
  }

  /** The best-ranked passage that is neither this row's document (by id) nor the same text. */
  private async secondDocument(
    document: string,
    ctx: RowContext<TaskSynthParams>,
  ): Promise<RetrievedPassage | undefined> {
    const retriever = ctx.retriever;
    if (!retriever) return undefined;
    await retriever.open({ signal: ctx.signal, tag: ctx.stepId });
    const self = retriever.docIdOf(ctx.rowId);
    const own = sameTextKey(document);
    const hits = await retriever.search(
      document.slice(0, ctx.params.neighbourQueryChars),
      ctx.params.neighbourCandidates,
      {
        signal: ctx.signal,
        tag: ctx.stepId,
        ...(self !== undefined ? { exclude: (d: number) => d === self } : {}),
      },
    );
    for (const hit of hits) {
      const key = sameTextKey(hit.text);
      if (!key) continue;
      if (key === own) {
        ctx.count("neighbour_same_text_skipped", 1);
        continue;
      }
      return hit;
    }
    return undefined;
  }

  private answerFormat(
    taskType: TaskType,
    u: number,
    ctx: RowContext<TaskSynthParams>,
  ): AnswerFormat | undefined {
    const fitting = TASK_TYPE_INFO[taskType].formats;
    if (!fitting.length) return undefined;
    const mix = ctx.params.answerFormat;
    if (!mix)
      return weightedChoice(
        fitting.map((f) => [f, 1] as const),
        u,
      );
    const chosen = weightedChoice(
      fitting.map((f) => [f, mix[f] ?? 0] as const),
      u,
    );
    if (chosen) return chosen;
    // The mix names no format this task can take: keep the task's natural one.
    ctx.count("answer_format_not_fitting_task", 1);
    return fitting[0];
  }
}

function taskWeights(mix: Partial<Record<TaskType, number>>): (readonly [TaskType, number])[] {
  return TASK_TYPES.map((t) => [t, mix[t] ?? 0] as const);
}

/** The query and the answer as the row keeps them; throws `unusable` for an answer to ask again. */
function acceptTask(result: LLMResult, taskType: TaskType): { query: string; answer: string } {
  const o = result.object as { query: string; answer: unknown };
  const query = o.query.trim();
  if (!query) throw unusable("the query is empty", result);
  const ref = findSourceReference(query);
  if (ref) {
    throw unusable(`the query refers to its source documents ("${ref}"); it must stand on its own`, result);
  }
  const answer = answerText(o.answer);
  if (!answer) throw unusable("the answer is empty", result);
  if (taskType === "fact-verification" && !VERDICT.test(answer)) {
    throw unusable("the answer does not start with the verdict 'Supported' or 'Refuted'", result);
  }
  return { query, answer };
}

/** A structured answer (extraction's list or object) becomes JSON text; empty ones become "". */
function answerText(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value)) return value.length ? JSON.stringify(value, null, 2) : "";
  if (value && typeof value === "object")
    return Object.keys(value).length ? JSON.stringify(value, null, 2) : "";
  return "";
}
