import {
  type ChatMessage,
  CompiledPrompt,
  checkPromptParam,
  type GenerationSettings,
  LLMError,
  type LLMResult,
  type OperatorContext,
  type OperatorSpec,
  type ParamProblem,
  type ProcessResult,
  type PromptParam,
  promptParamSchema,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
} from "@dataflow/core";
import {
  type ActionStyle,
  maxTokenF1,
  type ReadStep,
  readReaRagStep,
  renderStep,
  type StepRead,
  toReaRagMessages,
  validateReaRagMessages,
} from "@dataflow/exports";
import { type GenerationParams, generationParamsSchema, generationSettings } from "./generation-params.js";
import {
  DEFAULT_USER_TEMPLATE,
  NO_PASSAGES_OBSERVATION,
  observationAnswerMessages,
  observationMessage,
  stepRetryNote,
  TRAJECTORY_PROMPT,
} from "./prompts.js";
import type { TrajectoryStep } from "./trajectory-step.js";

export interface IterativeTrajectoryParams extends GenerationParams {
  maxSteps: number;
  maxRetries: number;
  maxRetriesTotal: number;
  topK: number;
  observation: "passages" | "answer";
  maxPassageChars: number;
  minF1: number;
  actionStyle: ActionStyle;
  userTemplate: string;
  systemPrompt?: string;
  prompt?: PromptParam;
}

/** One row's trajectory in the making. */
interface RunState {
  /** The conversation with the teacher: system, user, then each step and its observation. */
  chat: ChatMessage[];
  steps: TrajectoryStep[];
  retriesTotal: number;
  queries: Set<string>;
  /** Replies that were refused, with why, for the rejects file. */
  unusable: string[];
}

/**
 * ReaRAG-style search trajectories: a teacher reasons in numbered Thought/Action steps, each
 * searching the step's retriever or finishing with an answer, until it finishes or `maxSteps` runs
 * out. The result is the ReaRAG-20k message list, the structured steps, the answer and its token F1
 * against the gold answer. Unlike the original, every call is deterministic for the response cache,
 * and a question that cannot be finished is rejected with its transcript, never dropped silently.
 */
export class IterativeTrajectoryOperator extends RowOperator<IterativeTrajectoryParams> {
  static readonly spec: OperatorSpec<IterativeTrajectoryParams> = {
    name: "rag/iterative-trajectory",
    version: "1.0.0",
    description:
      "Build a ReaRAG-style multi-turn search trajectory for a question: the step's serving writes one " +
      "'Thought N' and 'Action N' per turn (a search or finish dict, Python literal or JSON); each search " +
      "queries the step's retriever (topK passages) and feeds back 'Observation N', either the passages or a " +
      "short answer the serving writes from them only. Only the first step of a reply counts; an unusable " +
      "reply is asked again from the same state with a note (maxRetries per step, maxRetriesTotal per row). " +
      "Rejects: 'malformed-action' (still unusable), 'no-finish' (maxSteps reached), 'low-f1' (token F1 " +
      "against the gold answer not above minF1), each with the transcript. Writes the ReaRAG-20k messages, " +
      "the structured steps, the final answer and its F1 (null without a gold answer).",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        maxSteps: {
          type: "integer",
          minimum: 1,
          maximum: 25,
          default: 10,
          description: "Most Thought/Action steps per question; a question not finished by then is rejected",
        },
        maxRetries: {
          type: "integer",
          minimum: 0,
          default: 3,
          description: "Retries of one step after an unusable reply (no action, bad dict, wrong number)",
        },
        maxRetriesTotal: {
          type: "integer",
          minimum: 0,
          default: 20,
          description: "Retries over all steps of one question (ReaRAG: 20)",
        },
        topK: { type: "integer", minimum: 1, maximum: 50, default: 3, description: "Passages per search" },
        observation: {
          enum: ["passages", "answer"],
          default: "answer",
          description:
            "What a search returns to the teacher: the numbered passages, or (ReaRAG) a short answer the " +
            "serving writes from them only, one more call per search",
        },
        maxPassageChars: {
          type: "integer",
          minimum: 1,
          default: 1200,
          description: "Cut each retrieved passage to this many characters",
        },
        minF1: {
          type: "number",
          minimum: 0,
          exclusiveMaximum: 1,
          default: 0,
          description: "With a gold answer, reject trajectories whose answer's token F1 is not above this",
        },
        actionStyle: {
          enum: ["python", "json"],
          default: "python",
          description: "How action dicts are written: Python repr (as ReaRAG-20k) or JSON",
        },
        userTemplate: {
          type: "string",
          pattern: "\\{question\\}",
          default: DEFAULT_USER_TEMPLATE,
          description: "The user turn; {question} is replaced by the question",
        },
        systemPrompt: {
          type: "string",
          minLength: 1,
          description: "Replace the built-in data-construction system prompt",
        },
        prompt: promptParamSchema(TRAJECTORY_PROMPT),
        ...generationParamsSchema,
      },
    },
    inputs: {
      question: { column: "question", description: "The question", schema: { type: "string" } },
      answer: {
        column: "gold_answer",
        optional: true,
        description: "The gold answer (or a list of them), for the F1 filter",
        schema: {
          anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }, { type: "null" }],
        },
      },
    },
    outputs: {
      messages: {
        column: "messages",
        description: "The ReaRAG-20k conversation: user, then assistant steps (reasoning) and observations",
        schema: { type: "array", items: { type: "object" } },
      },
      trajectory: {
        column: "trajectory",
        description:
          "The steps: {thought, action: {type, query|answer}, observation?, passages?: [{id, score}]}",
        schema: { type: "array", items: { type: "object" } },
      },
      final_answer: { column: "final_answer", description: "The finish answer", schema: { type: "string" } },
      f1: {
        column: "answer_f1",
        description: "Token F1 of the answer against the gold answer; null without one",
        schema: { type: ["number", "null"] },
      },
    },
    serving: "required",
    retriever: "required",
    prompt: TRAJECTORY_PROMPT,
    checkParams: checkTrajectoryPrompt,
  };

  private prompt = new CompiledPrompt(TRAJECTORY_PROMPT, undefined);

  override async setup(ctx: OperatorContext<IterativeTrajectoryParams>): Promise<void> {
    if (!ctx.serving) {
      throw new Error(
        `step "${ctx.stepId}": rag/iterative-trajectory needs a serving; name one with \`serving:\``,
      );
    }
    if (!ctx.retriever) {
      throw new Error(
        `step "${ctx.stepId}": rag/iterative-trajectory needs a retriever; declare one under \`retrievers:\` and name it with \`retriever:\``,
      );
    }
    const p = ctx.params;
    this.prompt = new CompiledPrompt(TRAJECTORY_PROMPT, {
      ...(p.systemPrompt !== undefined ? { system: p.systemPrompt.replaceAll("{{", "\\{{") } : {}),
      ...(p.userTemplate !== DEFAULT_USER_TEMPLATE
        ? { user: p.userTemplate.replaceAll("{{", "\\{{").replaceAll("{question}", "{{question}}") }
        : {}),
      ...p.prompt,
    });
    // A broken corpus fails the step here, not every row.
    await ctx.retriever.open({ signal: ctx.signal, tag: ctx.stepId });
  }

  async process(_row: Row, ctx: RowContext<IterativeTrajectoryParams>): Promise<ProcessResult> {
    const p = ctx.params;
    const question = readQuestion(ctx);
    const gold = readGold(ctx);
    const chat = this.prompt.messages({ question });
    const userContent = chat.at(-1)?.content ?? "";
    const state: RunState = {
      chat,
      steps: [],
      retriesTotal: 0,
      queries: new Set(),
      unusable: [],
    };
    let answer: string;
    for (let n = 1; ; n++) {
      const step = await nextStep(ctx, state, n);
      state.chat.push({
        role: "assistant",
        content: renderStep(n, step.thought, step.action, p.actionStyle),
      });
      if (step.action.type === "finish") {
        state.steps.push({ thought: step.thought, action: step.action });
        answer = step.action.answer;
        break;
      }
      const query = step.action.query;
      const key = query.toLowerCase().replace(/\s+/g, " ");
      if (state.queries.has(key)) ctx.count("repeated_queries");
      state.queries.add(key);
      if (n >= p.maxSteps) {
        throw reject(
          ctx,
          "no-finish",
          `no finish within maxSteps (${p.maxSteps}); step ${n} still searched for ${JSON.stringify(query)}`,
          state,
        );
      }
      const found = await search(ctx, state, query);
      state.steps.push({ thought: step.thought, action: step.action, ...found });
      state.chat.push({ role: "user", content: observationMessage(n, found.observation) });
    }

    const messages = toReaRagMessages(userContent, state.steps, p.actionStyle);
    const problems = validateReaRagMessages(messages);
    if (problems.length > 0) {
      throw reject(
        ctx,
        "invalid-transcript",
        `the transcript breaks ReaRAG's format: ${problems.map((x) => x.message).join("; ")}`,
        state,
      );
    }
    const f1 = gold === undefined ? null : maxTokenF1(answer, gold);
    if (f1 !== null && f1 <= p.minF1) {
      throw reject(
        ctx,
        "low-f1",
        `token F1 ${f1.toFixed(3)} between the answer ${JSON.stringify(answer)} and the gold answer ` +
          `${JSON.stringify(gold?.length === 1 ? gold[0] : gold)} is not above minF1 ${p.minF1}`,
        state,
      );
    }
    ctx.observe("trajectory_steps", state.steps.length);
    if (f1 !== null) ctx.observe("answer_f1", f1);
    if (state.steps.length === 1) ctx.count("finished_without_search");
    return ctx.output({ messages, trajectory: state.steps, final_answer: answer, f1 });
  }
}

/** Step `n` from the teacher, asked again from the same state (with a note) while the reply is unusable. */
async function nextStep(
  ctx: RowContext<IterativeTrajectoryParams>,
  state: RunState,
  n: number,
): Promise<ReadStep> {
  const p = ctx.params;
  const settings = generationSettings(p, true);
  let messages = state.chat;
  for (let retries = 0; ; retries++) {
    let text = "";
    let parsed: StepRead;
    let raw: string;
    try {
      const result = await generate(ctx, messages, settings);
      text = result.text;
      raw = rawOutput(result);
      parsed = readReaRagStep(text, { expected: n, reply: true });
    } catch (err) {
      // The serving refuses an empty answer (or reasoning with no answer after it): worth a retry too.
      if (!(err instanceof LLMError) || err.kind !== "bad-output") throw err;
      raw = err.raw ?? "";
      parsed = { ok: false, code: "empty-reply", message: err.message };
    }
    if (parsed.ok) {
      if (parsed.step.discarded) ctx.count("discarded_continuations");
      return parsed.step;
    }
    state.unusable.push(`(step ${n}, reply ${retries + 1}: ${parsed.message})\n${raw}`);
    if (retries >= p.maxRetries || state.retriesTotal >= p.maxRetriesTotal) {
      const spent =
        retries >= p.maxRetries
          ? `${retries + 1} ${retries === 0 ? "reply" : "replies"} (maxRetries ${p.maxRetries})`
          : `the question's ${p.maxRetriesTotal} retries (maxRetriesTotal)`;
      throw reject(
        ctx,
        "malformed-action",
        `step ${n} was still unusable after ${spent}: ${parsed.message}`,
        state,
      );
    }
    state.retriesTotal++;
    ctx.count("step_retries");
    ctx.count(`step_retries_${parsed.code.replaceAll("-", "_")}`);
    // Rolled back: the next attempt starts from the same state; the refused reply is shown only with its note.
    messages = [
      ...state.chat,
      ...(text.trim() ? [{ role: "assistant" as const, content: text }] : []),
      { role: "user", content: stepRetryNote(n, parsed.message, retries + 1, p.maxRetries) },
    ];
  }
}

/** Search the retriever and turn the hits into the observation the teacher sees. */
async function search(
  ctx: RowContext<IterativeTrajectoryParams>,
  state: RunState,
  query: string,
): Promise<{ observation: string; passages: { id: string; score: number }[] }> {
  const p = ctx.params;
  const retriever = ctx.retriever;
  if (!retriever) throw new Error(`step "${ctx.stepId}" has no retriever`);
  ctx.count("searches");
  const hits = await retriever.search(query, p.topK, { signal: ctx.signal, tag: ctx.stepId });
  const passages = hits.map((h) => ({ id: h.id, score: h.score }));
  if (hits.length === 0) {
    ctx.count("empty_searches");
    return { observation: NO_PASSAGES_OBSERVATION, passages };
  }
  const texts = hits.map((h) => cut(h.text.trim(), p.maxPassageChars));
  if (p.observation === "passages") {
    return { observation: texts.map((t, i) => `[${i + 1}] ${t}`).join("\n\n"), passages };
  }
  try {
    const result = await generate(ctx, observationAnswerMessages(query, texts), generationSettings(p, false));
    return { observation: result.text.trim(), passages };
  } catch (err) {
    // The serving refuses an empty answer; reject with the transcript rather than feed back nothing.
    if (!(err instanceof LLMError) || err.kind !== "bad-output") throw err;
    throw reject(
      ctx,
      "bad-output",
      `the observation answer for the query ${JSON.stringify(query)} was unusable: ${err.message}`,
      state,
    );
  }
}

function generate(
  ctx: RowContext<IterativeTrajectoryParams>,
  messages: ChatMessage[],
  settings: GenerationSettings,
): Promise<LLMResult> {
  const serving = ctx.serving;
  if (!serving) throw new Error(`step "${ctx.stepId}" has no serving`);
  return serving.generate({ messages, settings }, { signal: ctx.signal, tag: ctx.stepId });
}

/** A row-level reject carrying the transcript so far, counted by kind. */
function reject(
  ctx: RowContext<IterativeTrajectoryParams>,
  kind: string,
  message: string,
  state: RunState,
): RowError {
  ctx.count(`rejected_${kind.replaceAll("-", "_")}`);
  return new RowError(kind, message, { raw: transcript(state) });
}

/** The conversation without the system prompt, then the refused replies. */
function transcript(state: RunState): string {
  const parts = state.chat.slice(1).map((m) => `[${m.role}]\n${m.content}`);
  for (const u of state.unusable) parts.push(`[unusable reply] ${u}`);
  return parts.join("\n\n");
}

function rawOutput(result: LLMResult): string {
  return result.reasoning ? `<think>\n${result.reasoning}\n</think>\n${result.text}` : result.text;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function readQuestion(ctx: RowContext<IterativeTrajectoryParams>): string {
  const value = ctx.input("question");
  if (typeof value !== "string" || !value.trim()) {
    throw new RowError(
      "bad-input",
      `column "${ctx.inputs.question}" must hold the question as non-empty text, got ${describe(value)}`,
    );
  }
  return value.trim();
}

/** The gold answers, or undefined when the row has none (no port binding, a missing cell, null). */
function readGold(ctx: RowContext<IterativeTrajectoryParams>): string[] | undefined {
  const value = ctx.input("answer");
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length > 0 && list.every((g) => typeof g === "string" && g.trim())) return list as string[];
  throw new RowError(
    "bad-input",
    `column "${ctx.inputs.answer}" must hold the gold answer as non-empty text or a list of them ` +
      `(null when there is none), got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (is the column missing?)";
  if (value === null) return "null";
  if (typeof value === "string") return "empty text";
  if (Array.isArray(value))
    return value.length ? "an array with an empty or non-text item" : "an empty array";
  return `a ${typeof value}`;
}

/** The system or user turn given twice, once by `prompt` and once by the older params. */
function checkTrajectoryPrompt(p: IterativeTrajectoryParams): ParamProblem[] {
  const problems = checkPromptParam(p.prompt, TRAJECTORY_PROMPT);
  if (p.prompt?.system !== undefined && p.systemPrompt !== undefined)
    problems.push({
      path: ["prompt", "system"],
      message: "the system prompt is given twice, here and in systemPrompt",
      hint: "keep prompt.system and remove systemPrompt",
    });
  if (p.prompt?.user !== undefined && p.userTemplate !== DEFAULT_USER_TEMPLATE)
    problems.push({
      path: ["prompt", "user"],
      message: "the user turn is given twice, here and in userTemplate",
      hint: "keep prompt.user (with {{question}}) and remove userTemplate",
    });
  return problems;
}
