import { type JSONSchema, LLMError, type LLMResult } from "@dataflow/core";
import { parseStructured } from "../../output/parse-structured.js";
import { splitReasoning } from "../../output/split-reasoning.js";
import type { TransportResult } from "../transport.js";
import type { Answered, ChatCall } from "./chat-call.js";
import type { Send } from "./layer.js";

/** The raw answer finished into an LLMResult (see `finish`), the raw kept beside it. */
export function output(model: string): (next: Send<ChatCall, TransportResult>) => Send<ChatCall, Answered> {
  return (next) => async (chat, call) => {
    const raw = await next(chat, call);
    return { result: finish(raw, { schema: chat.schema, model, startedAt: call.startedAt }), raw };
  };
}

export interface FinishOptions {
  schema: JSONSchema | undefined;
  /** Named when the answer does not say which model it is from. */
  model: string;
  startedAt: number;
  fromCache?: boolean;
}

/**
 * Reasoning split off (`<think>` blocks, `reasoning_content`) and, with a schema, the JSON
 * extracted and validated. An empty answer, or one that does not match, is bad output carrying
 * the raw text, reasoning included; it is not retried here (the operator decides).
 */
export function finish(raw: TransportResult, o: FinishOptions): LLMResult {
  const { answer, reasoning } = splitReasoning(raw.text, raw.reasoningContent);
  const rawOutput = raw.reasoningContent
    ? `<think>\n${raw.reasoningContent}\n</think>\n${raw.text}`
    : raw.text;
  let object: unknown;
  if (o.schema) {
    try {
      object = parseStructured(raw.text, o.schema);
    } catch (err) {
      if (err instanceof LLMError)
        throw new LLMError(err.kind, err.message, { raw: rawOutput, cause: err.cause });
      throw err;
    }
  } else if (!answer.trim()) {
    // An empty answer is a failure, never an empty row.
    const why = reasoning ? "no answer after its reasoning" : "an empty answer";
    throw new LLMError("bad-output", `the model returned ${why}`, { raw: rawOutput });
  }
  return {
    text: answer,
    ...(reasoning ? { reasoning } : {}),
    ...(o.schema ? { object } : {}),
    usage: raw.usage ?? { promptTokens: 0, completionTokens: 0 },
    model: raw.model ?? o.model,
    latencyMs: performance.now() - o.startedAt,
    fromCache: o.fromCache ?? false,
  };
}
