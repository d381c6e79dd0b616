import { LLMError } from "@dataflow/core";
import OpenAI from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import {
  type EmbedTransportResult,
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "../serving/serving-base.js";
import { decodeVector } from "../serving/vector-codec.js";
import { openaiError } from "./openai-errors.js";

export interface OpenAIServingOptions extends ServingBaseOptions {
  baseURL: string;
  apiKey: string;
}

/**
 * Chat completions and embeddings through the `openai` SDK, against OpenAI or any
 * OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp, LM Studio).
 * The SDK's own retries are off: ServingBase owns retries, so a backoff never holds a slot.
 */
export class OpenAIServing extends ServingBase {
  private readonly client: OpenAI;

  constructor(options: OpenAIServingOptions) {
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey] });
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      maxRetries: 0,
      // A backstop only: ServingBase aborts each attempt at its own timeout first.
      timeout: options.timeoutMs + 1_000,
    });
  }

  protected async transport(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    const s = request.settings;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: request.model,
      messages: request.messages.map(
        (m): ChatCompletionMessageParam => ({ role: m.role, content: m.content }),
      ),
      ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
      ...(s.topP !== undefined ? { top_p: s.topP } : {}),
      ...(s.maxTokens !== undefined ? { max_tokens: s.maxTokens } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
      ...(s.stop !== undefined && s.stop.length > 0 ? { stop: s.stop } : {}),
      ...(request.responseFormat
        ? {
            response_format: {
              type: "json_schema",
              // strict: false — strict mode rejects common schemas (optional properties, open objects).
              json_schema: {
                name: request.responseFormat.name,
                schema: request.responseFormat.schema,
                strict: false,
              },
            },
          }
        : {}),
    };
    const completion = await this.client.chat.completions.create(body, { signal, maxRetries: 0 });
    const message = completion.choices?.[0]?.message as
      | (OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: unknown; reasoning?: unknown })
      | undefined;
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

  protected override async embedTransport(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<EmbedTransportResult> {
    const dimensions = this.embeddingDimensions;
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
    const items = data as { index?: unknown; embedding?: unknown }[];
    // Servers may answer out of order; `index` says where each vector belongs.
    const ordered = items.every((d) => typeof d?.index === "number")
      ? [...items].sort((a, b) => (a.index as number) - (b.index as number))
      : items;
    const promptTokens = response.usage?.prompt_tokens;
    return {
      vectors: ordered.map((d) => {
        const e = d?.embedding;
        // A server that sends base64 anyway: the float32 values it encoded.
        return (typeof e === "string" ? (decodeVector(e) ?? []) : e) as number[];
      }),
      ...(typeof promptTokens === "number" ? { promptTokens } : {}),
      ...(typeof response.model === "string" && response.model ? { model: response.model } : {}),
    };
  }

  protected toLLMError(err: unknown): LLMError {
    return openaiError(err);
  }
}
