import {
  type ChatMessage,
  generationSettings,
  LLMError,
  type LLMResult,
  type RowContext,
  RowError,
  rawOutput,
  seededRandom,
} from "@dataflow/core";
import { type Gold, matchAnswer } from "./answer-match.js";
import type { QaDistillParams } from "./qa-distill-params.js";
import { readReply } from "./read-reply.js";

/** One drawn sample and what became of it. */
export interface Sample {
  /** 1-based. */
  index: number;
  seed: number;
  /** The reply as the rejects file shows it (reasoning first). */
  raw: string;
  reasoning: string;
  /** The final answer as the reply wrote it; undefined when it marked none. */
  answer?: string;
  /** What the matcher read from the answer (option key, number, …); null when nothing. */
  read: string | null;
  /** The answer matches the gold answer and the reply is usable. */
  correct: boolean;
  /** Why the reply cannot be used, whatever its answer. */
  problem?: string;
  untagged?: boolean;
}

/**
 * The seed of a row's `index`-th sample: distinct per sample, so the response cache never hands a
 * resample the previous answer, and the same on every run, so a rerun is answered from the cache.
 */
export function sampleSeed(seed: number, rowId: string, index: number): number {
  return seededRandom(`rare/qa-distill\u0000${seed}\u0000${rowId}\u0000${index}`).below(2 ** 31 - 1);
}

/**
 * RARE's rejection sampling: draws samples one at a time until `keep` of them are correct or
 * `maxSamples` are spent, so no sample is paid for after the last one needed. Returns every sample.
 */
export async function sampleUntilCorrect(
  ctx: RowContext<QaDistillParams>,
  messages: ChatMessage[],
  gold: Gold,
): Promise<Sample[]> {
  const p = ctx.params;
  const samples: Sample[] = [];
  let correct = 0;
  for (let index = 1; index <= p.maxSamples && correct < p.keep; index++) {
    const sample = await drawSample(ctx, messages, gold, index);
    samples.push(sample);
    if (sample.correct) correct++;
  }
  return samples;
}

async function drawSample(
  ctx: RowContext<QaDistillParams>,
  messages: ChatMessage[],
  gold: Gold,
  index: number,
): Promise<Sample> {
  const p = ctx.params;
  const seed = sampleSeed(p.seed, ctx.rowId, index);
  let result: LLMResult;
  try {
    result = await generate(ctx, messages, seed);
  } catch (err) {
    // An empty reply, or reasoning with nothing after it, is a wrong sample; other failures fail the row.
    if (!(err instanceof LLMError) || err.kind !== "bad-output") throw err;
    return {
      index,
      seed,
      raw: err.raw ?? "",
      reasoning: "",
      read: null,
      correct: false,
      problem: err.message,
    };
  }
  const raw = rawOutput(result);
  const reply = readReply(result, { think: p.thinkTag, answer: p.answerTag }, p.untaggedAnswers);
  const base = {
    index,
    seed,
    raw,
    reasoning: reply.reasoning,
    ...(reply.untagged ? { untagged: true } : {}),
  };
  if (reply.answer === undefined) {
    return { ...base, read: null, correct: false, problem: `no <${p.answerTag}> answer` };
  }
  const match = matchAnswer(reply.answer, gold, p);
  if (!reply.reasoning) {
    return { ...base, answer: reply.answer, read: match.read, correct: false, problem: "no reasoning" };
  }
  return { ...base, answer: reply.answer, read: match.read, correct: match.correct };
}

function generate(
  ctx: RowContext<QaDistillParams>,
  messages: ChatMessage[],
  seed: number,
): Promise<LLMResult> {
  const serving = ctx.serving;
  if (!serving) throw new Error(`step "${ctx.stepId}" has no serving`);
  return serving.generate(
    { messages, settings: generationSettings(ctx.params, { seed }) },
    { signal: ctx.signal, tag: ctx.stepId },
  );
}

/** The reject of a question no sample answered correctly: every sample's answer in the message, every reply in raw. */
export function noCorrectSample(samples: readonly Sample[], goldText: string): RowError {
  const answers = samples.map((s) => `${s.index}: ${describeSample(s)}`).join("; ");
  const n = samples.length;
  const raw = samples
    .map((s) => `=== sample ${s.index} of ${n} (seed ${s.seed}): ${describeSample(s)} ===\n${s.raw}`)
    .join("\n\n");
  return new RowError(
    "no-correct-sample",
    `none of ${n} sample${n === 1 ? "" : "s"} matched the gold answer ${JSON.stringify(goldText)}; answers: ${answers}`,
    { raw },
  );
}

function describeSample(s: Sample): string {
  if (s.answer === undefined) return `no answer (${s.problem ?? "none marked"})`;
  const answer = s.answer.length > 80 ? `${s.answer.slice(0, 79)}…` : s.answer;
  const read = s.read !== null && s.read !== answer ? ` read as ${JSON.stringify(s.read)}` : "";
  const verdict = s.problem ? `unusable: ${s.problem}` : s.correct ? "correct" : "wrong";
  return `${JSON.stringify(answer)}${read} (${verdict})`;
}
