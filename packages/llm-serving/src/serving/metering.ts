import type { EmbedBatch } from "./layers/embed-call.js";
import type { Metering } from "./layers/layer.js";
import type { EmbedTransportResult, TransportRequest, TransportResult } from "./transport.js";

/** A chat request's tokens before it is sent: prompt characters ÷ 4, plus all of `maxTokens`. */
export const chatMetering: Metering<TransportRequest, TransportResult> = {
  estimate(request) {
    let chars = 0;
    for (const m of request.messages) chars += m.content.length;
    return Math.ceil(chars / 4) + (request.settings.maxTokens ?? 0);
  },
  usage: (result) => result.usage,
};

/** An embeddings batch's tokens: its characters ÷ 4, then what the endpoint billed. */
export const embedMetering: Metering<EmbedBatch, EmbedTransportResult> = {
  estimate(batch) {
    let chars = 0;
    for (const t of batch.texts) chars += t.length;
    return Math.ceil(chars / 4);
  },
  usage(result) {
    const tokens = result.promptTokens;
    return tokens !== undefined && Number.isFinite(tokens)
      ? { promptTokens: tokens, completionTokens: 0 }
      : undefined;
  },
};
