import type { CacheWrites } from "../cache-writes.js";
import type { ResponseCache } from "../response-cache.js";
import type { BatchVectors, EmbedAnswer, EmbedBatch, EmbedCall } from "./embed-call.js";
import type { Layer } from "./layer.js";

export interface EmbeddingCacheOptions {
  cache: ResponseCache;
  /** The vector length asked for: part of the key, and a stored vector of another length is a miss. */
  dimensions: number | undefined;
}

/**
 * Embeddings from the response cache's segment, looked up before batching: only the misses go
 * on, so batches are full of texts to send. Their vectors are stored by `embeddingCacheStore`, a
 * batch at a time, so answered batches stay cached when another fails.
 */
export function embeddingCache(
  o: EmbeddingCacheOptions & { onHit(tag: string | undefined, texts: number): void },
): Layer<EmbedCall, EmbedAnswer> {
  return (next) => async (ask, call) => {
    const hits = await o.cache.getEmbeddings({ model: ask.model, dimensions: o.dimensions }, ask.texts);
    const vectors: Float32Array[] = new Array(ask.texts.length);
    const missed: number[] = [];
    let cached = 0;
    for (const [i, hit] of hits.entries()) {
      if (hit && (o.dimensions ?? hit.vector.length) === hit.vector.length) {
        vectors[i] = hit.vector;
        cached += ask.uses[i] ?? 1;
      } else missed.push(i);
    }
    if (cached > 0) o.onHit(call.tag, cached);
    if (missed.length === 0) return { vectors, promptTokens: 0, cached };
    const pick = <T>(all: readonly T[]) => missed.map((i) => all[i] as T);
    const sent = await next({ model: ask.model, texts: pick(ask.texts), uses: pick(ask.uses) }, call);
    for (const [j, i] of missed.entries()) vectors[i] = sent.vectors[j] as Float32Array;
    return { vectors, promptTokens: sent.promptTokens, cached: cached + sent.cached };
  };
}

/** A batch's vectors appended to the segment as one write (batches finishing together share one). */
export function embeddingCacheStore(
  o: EmbeddingCacheOptions & { writes: CacheWrites },
): Layer<EmbedBatch, BatchVectors> {
  return (next) => async (batch, call) => {
    const answer = await next(batch, call);
    const stored = answer.model ?? batch.model;
    await o.writes.run(() =>
      o.cache.setEmbeddings(
        { model: batch.model, dimensions: o.dimensions },
        batch.texts.map((text, j) => ({ text, model: stored, vector: answer.vectors[j] as Float32Array })),
      ),
    );
    return answer;
  };
}
