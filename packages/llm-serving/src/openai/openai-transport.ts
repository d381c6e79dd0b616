import { LLMError } from "@dataflow/core";
import OpenAI from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { cappedFetch, DEFAULT_MAX_ANSWER_BYTES } from "../serving/health/capped-fetch.js";
import type {
  EmbedTransportResult,
  Transport,
  TransportRequest,
  TransportResult,
} from "../serving/transport.js";
import { decodeVector } from "../serving/vector-codec.js";
import { openaiError } from "./openai-errors.js";

export interface OpenAITransportOptions {
  baseURL: string;
  apiKey: string;
  /** Per attempt: the SDK's own timeout is a backstop a second later. */
  timeoutMs: number;
  /** Sent as `dimensions` with embeddings requests. */
  embeddingDimensions?: number | undefined;
  /** Bound on one chat answer's body (DEFAULT_MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number | undefined;
}

type Message = OpenAI.Chat.Completions.ChatCompletionMessage & {
  reasoning_content?: unknown;
  reasoning?: unknown;
};

/**
 * One `chat.completions` or `embeddings` request of the `openai` SDK per call, against OpenAI
 * or any OpenAI-compatible server. The SDK's retries are off: the serving's retry layer owns
 * them, so a backoff never holds a slot.
 */
export class OpenAITransport implements Transport {
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAITransportOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      fetch: cappedFetch(options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES),
      maxRetries: 0,
      // A backstop only: the timeout layer aborts each attempt at its own timeout first.
      timeout: options.timeoutMs + 1_000,
    });
  }

  async chat(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    const completion = await this.client.chat.completions.create(chatBody(request), {
      signal,
      maxRetries: 0,
    });
    const message = completion.choices?.[0]?.message as Message | undefined;
    if (!message) throw new LLMError("transport", "the response has no choices[0].message");
    // vLLM and DeepSeek send reasoning_content; some servers (OpenRouter, newer vLLM) send reasoning.
    const reasoning = [message.reasoning_content, message.reasoning].find(
      (r): r is string => typeof r === "string" && r.length > 0,
    );
    const usage = completion.usage;
    return {
      text: message.content ?? message.refusal ?? "",
      ...(reasoning !== undefined ? { reasoningContent: reasoning } : {}),
      ...(usage
        ? {
            usage: { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 },
          }
        : {}),
      ...(typeof completion.model === "string" && completion.model ? { model: completion.model } : {}),
    };
  }

  async embed(model: string, texts: readonly string[], signal: AbortSignal): Promise<EmbedTransportResult> {
    const dimensions = this.options.embeddingDimensions;
    // "float" asked for explicitly: the SDK's default (base64) is not spoken by every compatible server.
    const response = await this.client.embeddings.create(
      {
        model,
        input: [...texts],
        encoding_format: "float",
        ...(dimensions !== undefined ? { dimensions } : {}),
      },
      { signal, maxRetries: 0 },
    );
    const data = (response as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new LLMError("transport", "the embeddings response has no data list");
    const promptTokens = response.usage?.prompt_tokens;
    return {
      vectors: orderedVectors(data as { index?: unknown; embedding?: unknown }[]),
      ...(typeof promptTokens === "number" ? { promptTokens } : {}),
      ...(typeof response.model === "string" && response.model ? { model: response.model } : {}),
    };
  }

  toLLMError(err: unknown): LLMError {
    return openaiError(err);
  }
}

/** The request as a chat-completions body: the settings that are set, and the schema as `response_format`. */
export function chatBody(request: TransportRequest): ChatCompletionCreateParamsNonStreaming {
  const s = request.settings;
  const format = request.responseFormat;
  return {
    // Server-specific fields first: the named settings below win over a same-named extra.
    ...(request.extraBody ?? {}),
    model: request.model,
    messages: request.messages.map((m): ChatCompletionMessageParam => ({ role: m.role, content: m.content })),
    ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
    ...(s.topP !== undefined ? { top_p: s.topP } : {}),
    ...(s.maxTokens !== undefined ? { max_tokens: s.maxTokens } : {}),
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.stop !== undefined && s.stop.length > 0 ? { stop: s.stop } : {}),
    ...(format
      ? {
          // strict: false — strict mode rejects common schemas (optional properties, open objects).
          response_format: {
            type: "json_schema",
            json_schema: { name: format.name, schema: format.schema, strict: false },
          },
        }
      : {}),
  };
}

/** The vectors in input order: servers may answer out of order, and `index` says where each belongs. */
function orderedVectors(items: { index?: unknown; embedding?: unknown }[]): number[][] {
  const ordered = items.every((d) => typeof d?.index === "number")
    ? [...items].sort((a, b) => (a.index as number) - (b.index as number))
    : items;
  return ordered.map((d) => {
    const e = d?.embedding;
    // A server that sends base64 anyway: the float32 values it encoded.
    return (typeof e === "string" ? (decodeVector(e) ?? []) : e) as number[];
  });
}
