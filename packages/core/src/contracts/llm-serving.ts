import { RowError } from "./errors.js";
import type { JSONSchema } from "./json-schema.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Generation settings that change a model's answer; all of them enter cache keys and fingerprints. */
export interface GenerationSettings {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  /**
   * Server-specific request fields sent as they are (vLLM/SGLang `top_k`, `chat_template_kwargs`);
   * merged over the serving's `extraBody`, the request's top-level fields winning.
   */
  extraBody?: Record<string, unknown>;
}

export interface LLMRequest {
  messages: ChatMessage[];
  settings?: GenerationSettings;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** When given, the answer must be JSON valid against it; the result carries the parsed `object`. */
  schema?: JSONSchema;
  schemaName?: string;
  /** Who asked (a step id), for usage accounting. */
  tag?: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** Token and request totals, per tag (step id) and overall. */
export interface UsageTotals {
  requests: number;
  /** Answers served from the response cache (no request made). */
  cached: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, when prices are configured. */
  cost?: number;
}

export interface LLMResult {
  /** The answer, with any reasoning (`<think>` blocks, `reasoning_content`) split off. */
  text: string;
  reasoning?: string;
  /** The parsed answer when a schema was requested. */
  object?: unknown;
  usage: Usage;
  model: string;
  latencyMs: number;
  fromCache: boolean;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Who asked (a step id, or `retriever:<name>`), for usage accounting. */
  tag?: string;
}

export interface EmbeddingResult {
  /** One vector per input text, in input order. */
  vectors: Float32Array[];
  /** The embedding model that produced them. */
  model: string;
  /** Input tokens billed (0 for cached texts). */
  promptTokens: number;
  /** How many of the texts came from the response cache. */
  cached: number;
}

/** One endpoint of a serving that spreads its requests over several: what it did so far. */
export interface EndpointStats {
  /** The endpoint's URL without credentials (scheme, host, path). */
  url: string;
  /** Attempts sent to it (retries and hedges included). */
  requests: number;
  /** Attempts that failed (an error status, a timeout, no connection). */
  errors: number;
  /** Wire latency of its answered attempts, when it answered any. */
  p50Ms?: number;
  p95Ms?: number;
  /** Times it was taken out of rotation for a cool-down. */
  takenOut: number;
  /** In rotation at the time of the snapshot. */
  inRotation: boolean;
}

export type LLMErrorKind = "rate-limited" | "timeout" | "bad-request" | "bad-output" | "transport";

/** A typed serving failure; `raw` keeps the model output for the rejects file. */
export class LLMError extends RowError {
  override readonly kind: LLMErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: LLMErrorKind,
    message: string,
    options?: { raw?: string; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(kind, message, options);
    this.kind = kind;
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * The serving contract. Implementations differ only in transport; limits,
 * retries, caching and accounting are shared middleware in @dataflow/llm-serving.
 */
export abstract class LLMServingABC {
  /** The serving's name in the pipeline (`servings.<name>`). */
  abstract readonly name: string;
  abstract readonly model: string;
  /** Most requests this serving runs at once, across every step that uses it. */
  abstract readonly maxConcurrency: number;

  abstract generate(request: LLMRequest, options?: GenerateOptions): Promise<LLMResult>;

  /** Results in request order; each request fails or succeeds on its own. */
  async generateBatch(
    requests: LLMRequest[],
    options?: GenerateOptions,
  ): Promise<PromiseSettledResult<LLMResult>[]> {
    return Promise.allSettled(requests.map((r) => this.generate(r, options)));
  }

  /** The model `embed` uses; part of a dense retriever's fingerprint. */
  get embeddingModel(): string {
    return this.model;
  }

  /**
   * Embedding vectors for `texts`, in order (an OpenAI-compatible `/v1/embeddings`, or a local
   * model's). Servings that cannot embed throw a `bad-request` LLMError.
   */
  async embed(_texts: readonly string[], _options?: EmbedOptions): Promise<EmbeddingResult> {
    throw new LLMError("bad-request", `serving "${this.name}" cannot compute embeddings`);
  }

  /**
   * What identifies this serving's answers for step fingerprints: model and
   * generation settings. Never secrets.
   */
  abstract fingerprint(): Record<string, unknown>;

  /** Usage so far: overall and per tag. Servings without accounting report zeros. */
  usage(): { total: UsageTotals; byTag: Record<string, UsageTotals> } {
    return { total: { requests: 0, cached: 0, promptTokens: 0, completionTokens: 0 }, byTag: {} };
  }

  /** Per-endpoint stats of a serving spread over several endpoints; undefined for one endpoint or none. */
  endpointStats(): EndpointStats[] | undefined {
    return undefined;
  }

  /** A few words on work in flight that row counts do not show (a batch serving's batches by status), for the progress display. */
  progressNote(): string | undefined {
    return undefined;
  }

  async close(): Promise<void> {}
}
