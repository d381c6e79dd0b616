import { allOrNothing } from "../all-or-nothing.js";
import type { BatchVectors, EmbedAnswer, EmbedBatch, EmbedCall } from "./embed-call.js";
import { newCall, type Send } from "./layer.js";

/**
 * The texts sent `size` to a request, the batches in parallel, each a call of its own below
 * (its own retries and deadline, through the same slots and limits). The first batch that fails
 * stops the others and, once they have settled, fails the call.
 */
export function embeddingBatches(
  size: number,
): (next: Send<EmbedBatch, BatchVectors>) => Send<EmbedCall, EmbedAnswer> {
  return (next) => async (ask, call) => {
    const batches: string[][] = [];
    for (let i = 0; i < ask.texts.length; i += size) batches.push(ask.texts.slice(i, i + size));
    const answers = await allOrNothing(
      batches.map(
        (texts) => (signal: AbortSignal) => next({ model: ask.model, texts }, newCall(signal, call.tag)),
      ),
      call.signal,
    );
    let promptTokens = 0;
    for (const answer of answers) promptTokens += answer.promptTokens;
    return { vectors: answers.flatMap((a) => a.vectors), promptTokens, cached: 0 };
  };
}
