import { toVectors } from "../embedding-vectors.js";
import type { EmbedTransportResult } from "../transport.js";
import type { BatchVectors, EmbedBatch } from "./embed-call.js";
import type { Send } from "./layer.js";

/**
 * A batch's answer checked (`toVectors`: one vector per text, finite, all of one length, of
 * `dimensions` when that was asked for) into float32 vectors. A bad answer is bad output,
 * thrown above the retry layer: the same request gets the same answer.
 */
export function vectorCheck(
  dimensions: number | undefined,
): (next: Send<EmbedBatch, EmbedTransportResult>) => Send<EmbedBatch, BatchVectors> {
  return (next) => async (batch, call) => {
    const raw = await next(batch, call);
    const promptTokens = raw.promptTokens;
    return {
      vectors: toVectors(raw.vectors, batch.texts.length, dimensions),
      promptTokens: promptTokens !== undefined && Number.isFinite(promptTokens) ? promptTokens : 0,
      model: raw.model,
    };
  };
}
