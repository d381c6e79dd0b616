import type { ChatMessage, GenerationSettings, JSONSchema, LLMError, Usage } from "@dataflow/core";

/** One attempt's request, as a transport sends it. */
export interface TransportRequest {
  model: string;
  messages: ChatMessage[];
  /** The serving's defaults overlaid with the request's own settings. */
  settings: GenerationSettings;
  /** Ask the server to constrain the answer to this schema (`response_format`). */
  responseFormat?: { name: string; schema: JSONSchema };
  /** Server-specific fields (vLLM's top_k, chat_template_kwargs, …) added to the body as they are. */
  extraBody?: Record<string, unknown>;
}

/** One attempt's answer, before reasoning is split off or JSON parsed. */
export interface TransportResult {
  text: string;
  /** A separate `reasoning_content` field, when the server sent one. */
  reasoningContent?: string;
  usage?: Usage;
  /** The model that answered, as the server reports it. */
  model?: string;
}

/** One embeddings request's answer, as a transport got it: a vector per text, in order. */
export interface EmbedTransportResult {
  vectors: readonly (readonly number[] | Float32Array)[];
  /** Input tokens the endpoint billed, when it said. */
  promptTokens?: number;
  /** The model that answered, as the endpoint names it. */
  model?: string;
}

/** What a serving is preparing for: a chat answer, or embeddings. */
export type PreparePurpose = "generate" | "embed";

/**
 * One HTTP request (or one in-process call) per call of `chat` or `embed`, and nothing else:
 * no retries, limits, caching or parsing, which the serving's layers own (serving/layers/).
 * What it throws, `toLLMError` types.
 */
export interface Transport {
  /** `endpoint`: which of a serving's several endpoints (their order in the config); undefined with one. */
  chat(request: TransportRequest, signal: AbortSignal, endpoint?: number): Promise<TransportResult>;
  /** One batch (at most `embeddingBatchSize` texts) with `model`; without it the serving cannot embed. */
  embed?(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
    endpoint?: number,
  ): Promise<EmbedTransportResult>;
  /** Map what `chat` or `embed` threw to a typed LLMError. */
  toLLMError(err: unknown): LLMError;
  /**
   * Runs once per call that the cache did not answer, before any attempt, outside the slots,
   * timeouts and retries: where a transport loads what it needs (a local model), so a download is
   * neither timed out nor retried. What it throws fails the call as it is.
   */
  prepare?(signal: AbortSignal | undefined, purpose: PreparePurpose): Promise<void>;
}
