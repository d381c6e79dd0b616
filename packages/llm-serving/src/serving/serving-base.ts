import {
  type EmbeddingResult,
  type EmbedOptions,
  type EndpointStats,
  type GenerateOptions,
  type GenerationSettings,
  LLMError,
  type LLMRequest,
  type LLMResult,
  LLMServingABC,
  type Logger,
  silentLogger,
  type UsageTotals,
} from "@dataflow/core";
import type { BatchQueue } from "../batch/batch-queue.js";
import { throwIfCancelled } from "./abort.js";
import { composeChat, composeEmbed, servingParts } from "./compose.js";
import { checkTexts, distinctTexts, spreadVectors } from "./embed-texts.js";
import type { EndpointPool } from "./endpoints/endpoint-pool.js";
import { ServingHalt } from "./health/serving-halt.js";
import type { Answered, ChatCall } from "./layers/chat-call.js";
import type { EmbedAnswer, EmbedCall } from "./layers/embed-call.js";
import { newCall, type Send } from "./layers/layer.js";
import { DEFAULT_EMBEDDING_BATCH_SIZE, type ServingBaseOptions } from "./serving-options.js";
import type {
  EmbedTransportResult,
  PreparePurpose,
  Transport,
  TransportRequest,
  TransportResult,
} from "./transport.js";
import type { UsageMeter } from "./usage-meter.js";

export { DEFAULT_EMBEDDING_BATCH_SIZE, type ServingBaseOptions } from "./serving-options.js";
export type {
  EmbedTransportResult,
  PreparePurpose,
  Transport,
  TransportRequest,
  TransportResult,
} from "./transport.js";

/**
 * A serving: its transport (one request per call, `transport`/`embedTransport`) with the shared
 * layers composed around it (compose.ts): the response cache, output handling, structured
 * output, retries within a deadline, concurrency slots, rate limits, usage, timeouts and typed
 * errors. A subclass writes the transport, or hands its methods to a Transport object
 * (openai/, ai-sdk/, local/).
 */
export abstract class ServingBase extends LLMServingABC {
  readonly name: string;
  readonly model: string;
  readonly maxConcurrency: number;
  readonly embeddingBatchSize: number;
  protected readonly embeddingDimensions: number | undefined;
  protected readonly logger: Logger;
  protected readonly secrets: readonly string[];
  private readonly settings: GenerationSettings;
  private readonly extraBody: Record<string, unknown> | undefined;
  private readonly configuredEmbeddingModel: string | undefined;
  private readonly meter: UsageMeter;
  private readonly pool: EndpointPool | undefined;
  private readonly batch: BatchQueue | undefined;
  private readonly chat: Send<ChatCall, Answered>;
  private readonly embedding: Send<EmbedCall, EmbedAnswer> | undefined;

  constructor(options: ServingBaseOptions) {
    super();
    this.name = options.name;
    this.model = options.model;
    this.maxConcurrency = options.maxConcurrency;
    this.configuredEmbeddingModel = options.embeddingModel;
    this.embeddingBatchSize = positiveWhole(
      options.embeddingBatchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE,
      "embeddingBatchSize",
    );
    const dimensions = options.embeddingDimensions;
    this.embeddingDimensions =
      dimensions === undefined ? undefined : positiveWhole(dimensions, "embeddingDimensions");
    this.logger = options.logger ?? silentLogger;
    this.secrets = options.secrets ?? [];
    this.settings = definedSettings(options.settings ?? {});
    const extra = options.extraBody;
    this.extraBody = extra && Object.keys(extra).length > 0 ? { ...extra } : undefined;
    const wire = this.ownTransport();
    const parts = servingParts({
      ...options,
      logger: this.logger,
      secrets: this.secrets,
      embeddingBatchSize: this.embeddingBatchSize,
      ...(this.embeddingDimensions !== undefined ? { embeddingDimensions: this.embeddingDimensions } : {}),
      transportTimesOut: options.transportTimesOut ?? false,
    });
    this.meter = parts.meter;
    this.pool = parts.pool;
    this.batch = parts.batch;
    this.chat = composeChat(wire, parts);
    this.embedding = composeEmbed(wire, parts);
  }

  /**
   * Send one request and return the raw answer; throw anything (toLLMError maps it). `endpoint`:
   * which of `options.endpoints` (undefined with one endpoint or none).
   */
  protected abstract transport(
    request: TransportRequest,
    signal: AbortSignal,
    endpoint?: number,
  ): Promise<TransportResult>;

  /**
   * Embed one batch (at most `embeddingBatchSize` texts) with `model`; throw anything (toLLMError
   * maps it). Servings without it cannot embed: `embed` fails with a bad-request saying so.
   */
  protected embedTransport?(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
    endpoint?: number,
  ): Promise<EmbedTransportResult>;

  /** Map what `transport` or `embedTransport` threw to a typed LLMError. */
  protected abstract toLLMError(err: unknown): LLMError;

  /**
   * Runs once per request (or `embed` call) that the cache did not answer, before any attempt,
   * outside the concurrency slots and timeouts: where a serving loads what it needs (a local
   * model), so a download is neither timed out nor retried. What it throws fails the request as it is.
   */
  protected prepare(_signal: AbortSignal | undefined, _purpose: PreparePurpose): Promise<void> {
    return Promise.resolve();
  }

  override get embeddingModel(): string {
    return this.configuredEmbeddingModel ?? this.model;
  }

  async generate(request: LLMRequest, options: GenerateOptions = {}): Promise<LLMResult> {
    const { signal, tag, schema, schemaName } = options;
    throwIfCancelled(signal);
    const call = newCall(signal, tag);
    const { extraBody: stepExtra, ...own } = request.settings ?? {};
    const settings = { ...this.settings, ...definedSettings(own) };
    const extraBody = this.requestExtraBody(stepExtra);
    return (await this.chat({ messages: request.messages, settings, schema, schemaName, extraBody }, call))
      .result;
  }

  /**
   * Whether the transport sends `extraBody` (openai). Others refuse a request's extraBody with a
   * fatal error rather than answer without it: the fields were asked for, and are in the cache key.
   */
  protected sendsExtraBody(): boolean {
    return false;
  }

  /** The serving's extraBody with a request's own merged over it, top-level fields replaced. */
  private requestExtraBody(own: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (!own || Object.keys(own).length === 0) return this.extraBody;
    if (!this.sendsExtraBody()) throw extraBodyRefused(this.name, this.constructor.name);
    return { ...this.extraBody, ...own };
  }

  /**
   * Vectors for `texts`, in order. Each distinct text is looked up in the response cache and
   * only the misses are sent, `embeddingBatchSize` to a request, the batches in parallel, each
   * through the same slots, rate limits, retries and timeouts as a chat request. The first batch
   * that fails stops the others and fails the call (batches already answered stay cached).
   */
  override async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<EmbeddingResult> {
    const { signal, tag } = options;
    throwIfCancelled(signal);
    const model = this.embeddingModel;
    if (!this.embedding) {
      throw new LLMError(
        "bad-request",
        `serving "${this.name}" (${this.constructor.name}) cannot compute embeddings; use a serving of type openai, ai-sdk or local`,
      );
    }
    checkTexts(texts, this.name);
    const positions = distinctTexts(texts);
    if (positions.size === 0) return { vectors: [], model, promptTokens: 0, cached: 0 };
    const uses = Array.from(positions.values(), (at) => at.length);
    const answer = await this.embedding({ model, texts: [...positions.keys()], uses }, newCall(signal, tag));
    const { promptTokens, cached } = answer;
    return {
      vectors: spreadVectors(positions, answer.vectors, texts.length, cached),
      model,
      promptTokens,
      cached,
    };
  }

  override fingerprint(): Record<string, unknown> {
    // The endpoint and the serving type stay out: a moved server gives the same answers.
    // Embedding settings only when configured, so chat fingerprints stay as they were.
    return {
      model: this.model,
      settings: { ...this.settings },
      ...(this.configuredEmbeddingModel !== undefined
        ? { embeddingModel: this.configuredEmbeddingModel }
        : {}),
      ...(this.embeddingDimensions !== undefined ? { embeddingDimensions: this.embeddingDimensions } : {}),
      ...(this.extraBody ? { extraBody: this.extraBody } : {}),
    };
  }

  override usage(): { total: UsageTotals; byTag: Record<string, UsageTotals> } {
    return this.meter.snapshot();
  }

  override endpointStats(): EndpointStats[] | undefined {
    return this.pool?.stats();
  }

  override progressNote(): string | undefined {
    return this.batch?.progressNote();
  }

  /** This serving's methods as the transport the layers wrap. */
  private ownTransport(): Transport {
    const embed = this.embedTransport;
    return {
      chat: (request, signal, endpoint) => this.transport(request, signal, endpoint),
      ...(embed
        ? {
            embed: (model: string, texts: readonly string[], signal: AbortSignal, endpoint?: number) =>
              embed.call(this, model, texts, signal, endpoint),
          }
        : {}),
      toLLMError: (err) => this.toLLMError(err),
      prepare: (signal, purpose) => this.prepare(signal, purpose),
    };
  }
}

function extraBodyRefused(name: string, kind: string): ServingHalt {
  return new ServingHalt(
    "not-supported",
    `serving "${name}" (${kind}) cannot send a step's extraBody: server-specific fields are sent by type openai only; use type: openai for this serving, or drop params.extraBody`,
    2,
  );
}

/** Settings with undefined entries dropped, so `{...defaults, ...request}` never erases a default. */
function definedSettings(settings: GenerationSettings): GenerationSettings {
  const out: GenerationSettings = {};
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function positiveWhole(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}
