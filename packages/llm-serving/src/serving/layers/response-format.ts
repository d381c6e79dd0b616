import { LLMError } from "@dataflow/core";
import { withJsonInstruction } from "../json-instruction.js";
import type { TransportRequest, TransportResult } from "../transport.js";
import type { ChatCall } from "./chat-call.js";
import type { Send } from "./layer.js";

type Support = "unknown" | "supported" | "unsupported";

/**
 * How a chat call asks for structured output. With a schema the request carries
 * `response_format` (a JSON schema); a server not yet seen to accept it that answers 400/422 is
 * asked again at once with the schema in the system message instead — not a retry: the call's
 * retries and deadline go on — and remembered, so later calls ask in the prompt from the start.
 */
export function responseFormat(
  model: string,
  warn: (message: string) => void,
): (next: Send<TransportRequest, TransportResult>) => Send<ChatCall, TransportResult> {
  let support: Support = "unknown";
  return (next) => async (chat, call) => {
    if (!chat.schema || support === "unsupported") return next(transportRequest(model, chat), call);
    try {
      const raw = await next(transportRequest(model, chat, "response_format"), call);
      support = "supported";
      return raw;
    } catch (err) {
      if (support === "supported" || !refused(err)) throw err;
    }
    // The same question, asked the way this server understands.
    const raw = await next(transportRequest(model, chat), call);
    if (support === "unknown") {
      support = "unsupported";
      warn(
        "the server refused response_format (JSON schema); asking for JSON in the prompt instead, " +
          "and extracting and validating it from the answer",
      );
    }
    return raw;
  };
}

/** The call as one request: the schema in `response_format`, or in the system message. */
export function transportRequest(model: string, chat: ChatCall, how?: "response_format"): TransportRequest {
  const { messages, settings, schema } = chat;
  const extra = chat.extraBody ? { extraBody: chat.extraBody } : {};
  if (!schema) return { model, messages, settings, ...extra };
  if (how !== "response_format")
    return { model, messages: withJsonInstruction(messages, schema), settings, ...extra };
  return {
    model,
    messages,
    settings,
    responseFormat: { name: responseFormatName(chat.schemaName), schema },
    ...extra,
  };
}

/** How servers without `response_format` refuse it. */
function refused(err: unknown): boolean {
  return err instanceof LLMError && err.kind === "bad-request" && (err.status === 400 || err.status === 422);
}

/** OpenAI requires ^[a-zA-Z0-9_-]{1,64}$ for the response_format name. */
function responseFormatName(name: string | undefined): string {
  const cleaned = (name ?? "response").replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return cleaned || "response";
}
