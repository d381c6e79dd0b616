import { LLMError } from "@dataflow/core";
import type { CacheWrites } from "../cache-writes.js";
import { type CachedResponse, cacheKey, type ResponseCache } from "../response-cache.js";
import type { TransportResult } from "../transport.js";
import type { Answered, ChatCall } from "./chat-call.js";
import type { Layer } from "./layer.js";
import { finish } from "./output.js";

export interface AnswerCacheOptions {
  cache: ResponseCache;
  model: string;
  writes: CacheWrites;
  /** A call answered from the cache, under its tag. */
  onHit(tag: string | undefined): void;
}

/**
 * Chat answers from the on-disk response cache. The key is the request as the model sees it
 * (model, messages, settings, schema); the entry is the raw answer, finished again on a hit, so
 * an entry that fails the current schema (or cannot be read) is a miss, and is replaced. Only
 * answers that finished are stored: the layers below throw for the others.
 */
export function answerCache(o: AnswerCacheOptions): Layer<ChatCall, Answered> {
  return (next) => async (chat, call) => {
    const { messages, settings, schema, extraBody } = chat;
    const key = cacheKey({ model: o.model, messages, settings, schema, extraBody });
    const hit = await o.cache.get(key);
    if (hit) {
      try {
        const result = finish(hit, { schema, model: o.model, startedAt: call.startedAt, fromCache: true });
        o.onHit(call.tag);
        return { result, raw: hit };
      } catch (err) {
        if (!(err instanceof LLMError)) throw err;
      }
    }
    const answered = await next(chat, call);
    await o.writes.run(() => o.cache.set(key, entryOf(answered.raw, o.model)));
    return answered;
  };
}

function entryOf(raw: TransportResult, model: string): CachedResponse {
  return {
    model: raw.model ?? model,
    text: raw.text,
    ...(raw.reasoningContent ? { reasoningContent: raw.reasoningContent } : {}),
    usage: raw.usage ?? { promptTokens: 0, completionTokens: 0 },
  };
}
