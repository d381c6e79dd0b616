import { setMaxListeners } from "node:events";
import {
  type ChatMessage,
  type EmbeddingResult,
  type EmbedOptions,
  type GenerateOptions,
  type GenerationSettings,
  type JSONSchema,
  LLMError,
  type LLMRequest,
  type LLMResult,
  LLMServingABC,
  type Logger,
  silentLogger,
  type Usage,
  type UsageTotals,
} from "@dataflow/core";
import { parseStructured } from "../output/parse-structured.js";
import { splitReasoning } from "../output/split-reasoning.js";
import { ABORTED, cancelledError, raceAbort, sleep, throwIfCancelled } from "./abort.js";
import { ConcurrencyLimiter } from "./concurrency-limiter.js";
import { toVectors } from "./embedding-vectors.js";
import { withJsonInstruction } from "./json-instruction.js";
import { redactError } from "./llm-errors.js";
import { type CachedResponse, cacheKey, ResponseCache } from "./response-cache.js";
import { backoffDelay, DEFAULT_MAX_DELAY_MS, isRetryable, type RetryTuning } from "./retry-policy.js";
import { TokenBucket } from "./token-bucket.js";
import { type Prices, UsageMeter } from "./usage-meter.js";

/** One attempt's request, as a transport sends it. */
export interface TransportRequest {
  model: string;
  messages: ChatMessage[];
  /** The serving's defaults overlaid with the request's own settings. */
  settings: GenerationSettings;
  /** Ask the server to constrain the answer to this schema (`response_format`). */
  responseFormat?: { name: string; schema: JSONSchema };
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

export const DEFAULT_EMBEDDING_BATCH_SIZE = 64;

export interface ServingBaseOptions {
  name: string;
  model: string;
  maxConcurrency: number;
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt, for retryable failures. */
  maxRetries: number;
  /**
   * Bound on one call from its first attempt on, backoffs included; no retry
   * starts past it. Default: every attempt at its full timeout plus the longest backoff between them.
   */
  totalTimeoutMs?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** Default generation settings; a request's own settings win. */
  settings?: GenerationSettings;
  prices?: Prices;
  /** Directory of the on-disk response cache; no cache when absent. */
  cacheDir?: string;
  logger?: Logger;
  retry?: RetryTuning;
  /** The model `embed` uses; `model` by default. */
  embeddingModel?: string;
  /** Texts per embeddings request; 64 by default. */
  embeddingBatchSize?: number;
  /** The vector length to ask the endpoint for (OpenAI `dimensions`); vectors of another length are bad output. */
  embeddingDimensions?: number;
  /** Values that must never appear in errors or logs (the API key). */
  secrets?: readonly string[];
  /**
   * The transport bounds each attempt itself (with `timeoutMs`), so no wall-clock timer runs here:
   * an in-process model cannot hang like a server, and its long generations make progress.
   */
  transportTimesOut?: boolean;
}

type ResponseFormatSupport = "unknown" | "supported" | "unsupported";

/** One attempt of a call, as the retry loop makes it. */
interface Attempt<T> {
  /** Tokens it is expected to use: taken from the tokens-per-minute budget before it goes out. */
  estimate: number;
  send(signal: AbortSignal): Promise<T>;
  /** The tokens its answer reports: metered, and the budget corrected by them. */
  usage(result: T): Usage | undefined;
}

interface RetryPlan<T> {
  /** The attempt to make now; asked before each one. */
  next(): Attempt<T>;
  /** Whether a failure is answered by asking differently: not a retry (no backoff, not counted). */
  reroute?(err: LLMError): boolean;
}

/**
 * The shared middleware of every serving, one owner per concern: the response
 * cache, the concurrency limit (a slot is held only while a request is on the
 * wire, never during a retry backoff), request and token rate limits, retries
 * with backoff and Retry-After, per-attempt timeouts and the caller's abort,
 * output handling (reasoning split, JSON extraction and validation) and usage
 * accounting, for chat answers and embeddings alike. A transport only turns one
 * request into one raw answer.
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
  private readonly configuredEmbeddingModel: string | undefined;
  private readonly timeoutMs: number;
  private readonly transportTimesOut: boolean;
  private readonly maxRetries: number;
  private readonly totalTimeoutMs: number;
  private readonly retry: RetryTuning;
  private readonly limiter: ConcurrencyLimiter;
  private readonly requestBucket: TokenBucket | undefined;
  private readonly tokenBucket: TokenBucket | undefined;
  private readonly cache: ResponseCache | undefined;
  private readonly meter: UsageMeter;
  private responseFormat: ResponseFormatSupport = "unknown";
  private cacheWriteWarned = false;

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
    this.embeddingDimensions =
      options.embeddingDimensions === undefined
        ? undefined
        : positiveWhole(options.embeddingDimensions, "embeddingDimensions");
    this.logger = options.logger ?? silentLogger;
    this.secrets = options.secrets ?? [];
    this.settings = definedSettings(options.settings ?? {});
    this.timeoutMs = options.timeoutMs;
    this.transportTimesOut = options.transportTimesOut ?? false;
    this.maxRetries = options.maxRetries;
    this.retry = options.retry ?? {};
    this.totalTimeoutMs =
      options.totalTimeoutMs ??
      (options.maxRetries + 1) * options.timeoutMs +
        options.maxRetries * (this.retry.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    this.limiter = new ConcurrencyLimiter(options.maxConcurrency);
    this.requestBucket = options.requestsPerMinute ? new TokenBucket(options.requestsPerMinute) : undefined;
    this.tokenBucket = options.tokensPerMinute ? new TokenBucket(options.tokensPerMinute) : undefined;
    this.cache = options.cacheDir ? new ResponseCache(options.cacheDir) : undefined;
    this.meter = new UsageMeter(options.prices);
  }

  /** Send one request and return the raw answer; throw anything (toLLMError maps it). */
  protected abstract transport(request: TransportRequest, signal: AbortSignal): Promise<TransportResult>;

  /**
   * Embed one batch (at most `embeddingBatchSize` texts) with `model`; throw anything (toLLMError
   * maps it). Servings without it cannot embed: `embed` fails with a bad-request saying so.
   */
  protected embedTransport?(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
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
    const { signal, schema, tag } = options;
    throwIfCancelled(signal);
    const startedAt = performance.now();
    const settings = { ...this.settings, ...definedSettings(request.settings ?? {}) };
    const key = this.cache
      ? cacheKey({ model: this.model, messages: request.messages, settings, schema })
      : undefined;

    if (key !== undefined && this.cache) {
      const hit = await this.cache.get(key);
      if (hit) {
        try {
          const result = this.finish(hit, schema, startedAt, true);
          this.meter.cached(tag);
          return result;
        } catch (err) {
          // An entry that no longer passes (a stricter schema, a hand edit) is a miss.
          if (!(err instanceof LLMError)) throw err;
        }
      }
    }

    await this.prepareOrCancel(signal, "generate");
    const raw = await this.sendChat(request.messages, settings, options);
    const result = this.finish(raw, schema, startedAt, false);
    if (key !== undefined) await this.store(key, raw);
    return result;
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
    if (!this.embedTransport) {
      throw new LLMError(
        "bad-request",
        `serving "${this.name}" (${this.constructor.name}) cannot compute embeddings; use a serving of type openai, ai-sdk or local`,
      );
    }
    checkTexts(texts, this.name);
    // Each distinct text once: a corpus with repeated passages pays for each once.
    const positions = new Map<string, number[]>();
    for (const [i, text] of texts.entries()) {
      const at = positions.get(text);
      if (at) at.push(i);
      else positions.set(text, [i]);
    }
    const vectors: Float32Array[] = new Array(texts.length);
    const put = (text: string, vector: Float32Array) => {
      for (const i of positions.get(text) ?? []) vectors[i] = vector;
    };

    let cached = 0;
    let misses = [...positions.keys()];
    if (this.cache) {
      const left: string[] = [];
      const hits = await this.cache.getEmbeddings({ model, dimensions: this.embeddingDimensions }, misses);
      for (const [j, text] of misses.entries()) {
        const hit = hits[j];
        // A vector of another length than asked for (an entry written before) is a miss.
        const fits = hit && (this.embeddingDimensions ?? hit.vector.length) === hit.vector.length;
        if (hit && fits) {
          put(text, hit.vector);
          cached += positions.get(text)?.length ?? 0;
        } else left.push(text);
      }
      misses = left;
      if (cached > 0) this.meter.cached(tag, cached);
    }

    let promptTokens = 0;
    if (misses.length > 0) {
      await this.prepareOrCancel(signal, "embed");
      const batches: string[][] = [];
      for (let i = 0; i < misses.length; i += this.embeddingBatchSize)
        batches.push(misses.slice(i, i + this.embeddingBatchSize));
      const answers = await this.allOrNothing(
        batches.map((batch) => (inner: AbortSignal) => this.embedBatch(model, batch, inner, tag)),
        signal,
      );
      for (const [b, answer] of answers.entries()) {
        promptTokens += answer.promptTokens;
        for (const [j, text] of (batches[b] ?? []).entries()) {
          const vector = answer.vectors[j];
          if (vector) put(text, vector);
        }
      }
    }

    const length = vectors[0]?.length;
    const odd = vectors.findIndex((v) => v?.length !== length);
    if (odd >= 0) {
      throw new LLMError(
        "bad-output",
        `embeddings of different lengths in one call: ${length} (texts[0]) and ${vectors[odd]?.length} (texts[${odd}])` +
          (cached > 0
            ? "; the response cache may hold vectors of an earlier version of the model: clear it"
            : ""),
      );
    }
    return { vectors, model, promptTokens, cached };
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
    };
  }

  override usage(): { total: UsageTotals; byTag: Record<string, UsageTotals> } {
    return this.meter.snapshot();
  }

  /** `prepare`, given up at once (as cancelled) when the caller's signal aborts. */
  private async prepareOrCancel(signal: AbortSignal | undefined, purpose: PreparePurpose): Promise<void> {
    if (!signal) return this.prepare(undefined, purpose);
    try {
      await raceAbort(this.prepare(signal, purpose), signal);
    } catch (err) {
      if (err === ABORTED) throw cancelledError(signal);
      throw err;
    }
  }

  /** One chat request through the retry loop, falling back to JSON in the prompt once if the server refuses response_format. */
  private async sendChat(
    messages: ChatMessage[],
    settings: GenerationSettings,
    options: GenerateOptions,
  ): Promise<TransportResult> {
    const { schema } = options;
    const schemaName = responseFormatName(options.schemaName);
    let plain = false;
    let request: TransportRequest | undefined;
    const raw = await this.sendWithRetries<TransportResult>(
      {
        next: () => {
          const prompted = schema !== undefined && (plain || this.responseFormat === "unsupported");
          const sent: TransportRequest = {
            model: this.model,
            messages: prompted && schema ? withJsonInstruction(messages, schema) : messages,
            settings,
            ...(schema && !prompted ? { responseFormat: { name: schemaName, schema } } : {}),
          };
          request = sent;
          let chars = 0;
          for (const m of sent.messages) chars += m.content.length;
          return {
            estimate: Math.ceil(chars / 4) + (settings.maxTokens ?? 0),
            send: (signal) => this.transport(sent, signal),
            usage: (result) => result.usage,
          };
        },
        reroute: (err) => {
          if (!request || !this.shouldFallBack(request, err)) return false;
          // Not a retry: the same question, asked the way this server understands.
          plain = true;
          return true;
        },
      },
      options,
    );
    if (request) this.noteResponseFormat(request, plain);
    return raw;
  }

  /** One batch of texts through the retry loop; the answer checked, cached per text. */
  private async embedBatch(
    model: string,
    texts: string[],
    signal: AbortSignal,
    tag: string | undefined,
  ): Promise<{ vectors: Float32Array[]; promptTokens: number }> {
    const transport = this.embedTransport;
    if (!transport) throw new LLMError("bad-request", `serving "${this.name}" cannot compute embeddings`);
    let chars = 0;
    for (const t of texts) chars += t.length;
    const raw = await this.sendWithRetries<EmbedTransportResult>(
      {
        next: () => ({
          estimate: Math.ceil(chars / 4),
          send: (s) => transport.call(this, model, texts, s),
          usage: (result) =>
            result.promptTokens !== undefined && Number.isFinite(result.promptTokens)
              ? { promptTokens: result.promptTokens, completionTokens: 0 }
              : undefined,
        }),
      },
      { signal, tag },
    );
    const vectors = toVectors(raw.vectors, texts.length, this.embeddingDimensions);
    const cache = this.cache;
    if (cache) {
      const stored = raw.model ?? model;
      // One append for the batch; batches finishing together share one.
      await this.storeSafely(() =>
        cache.setEmbeddings(
          { model, dimensions: this.embeddingDimensions },
          texts.map((text, j) => ({ text, model: stored, vector: vectors[j] as Float32Array })),
        ),
      );
    }
    const promptTokens = raw.promptTokens;
    return {
      vectors,
      promptTokens: promptTokens !== undefined && Number.isFinite(promptTokens) ? promptTokens : 0,
    };
  }

  /**
   * Runs every job on a signal of its own that aborts with the caller's; the first failure
   * aborts the rest and, once all have settled (nothing runs on after the call), fails the call.
   */
  private async allOrNothing<T>(
    jobs: ((signal: AbortSignal) => Promise<T>)[],
    signal: AbortSignal | undefined,
  ): Promise<T[]> {
    const inner = new AbortController();
    // Every job listens on it (slot, backoff, attempt): a large corpus is hundreds of jobs.
    setMaxListeners(0, inner.signal);
    const onAbort = () => inner.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let failed = false;
    let first: unknown;
    try {
      const settled = await Promise.allSettled(
        jobs.map((job) =>
          job(inner.signal).catch((err: unknown) => {
            if (!failed) {
              failed = true;
              first = err;
              inner.abort(err);
            }
            throw err;
          }),
        ),
      );
      if (failed) {
        if (signal?.aborted) throw cancelledError(signal);
        throw first;
      }
      return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * The retry loop shared by chat and embeddings: one attempt per iteration, each holding a
   * concurrency slot only while on the wire (given back before any backoff), within the
   * request and token rates, the per-attempt timeout, the call's deadline and the caller's abort.
   */
  private async sendWithRetries<T>(
    plan: RetryPlan<T>,
    options: { signal?: AbortSignal | undefined; tag?: string | undefined },
  ): Promise<T> {
    const { signal, tag } = options;
    let retries = 0;
    let again = false;
    let deadline = Number.POSITIVE_INFINITY;
    let last: LLMError | undefined;
    for (;;) {
      const attempt = plan.next();
      // Requests back from a backoff go first: they were admitted before the ones still queued.
      const release = await this.limiter.acquire(signal, again);
      let failure: unknown;
      try {
        const estimate = await this.waitForRate(attempt.estimate, signal);
        if (deadline === Number.POSITIVE_INFINITY) deadline = performance.now() + this.totalTimeoutMs;
        const left = deadline - performance.now();
        if (last && left <= 0)
          throw new Final(gaveUp(last, retries, "its deadline passed while it waited for a slot"));
        const budget = Math.min(this.timeoutMs, left);
        this.meter.request(tag);
        const result = await this.attempt(attempt.send, budget, signal);
        const usage = attempt.usage(result);
        if (usage) {
          this.meter.tokens(tag, usage);
          this.tokenBucket?.adjust(usage.promptTokens + usage.completionTokens - estimate);
        }
        return result;
      } catch (err) {
        failure = err;
      } finally {
        release();
      }
      if (failure instanceof Final) throw failure.error;
      if (!(failure instanceof LLMError)) throw failure;
      last = failure;
      again = true;
      if (plan.reroute?.(failure)) continue;
      if (!isRetryable(failure) || retries >= this.maxRetries) throw gaveUp(failure, retries);
      const delay = backoffDelay(retries, failure.retryAfterMs, this.retry);
      if (performance.now() + delay >= deadline) throw gaveUp(failure, retries, "its deadline would pass");
      this.logger.debug(
        `serving "${this.name}": ${failure.kind}${failure.status ? ` (HTTP ${failure.status})` : ""}; retry ${retries + 1} of ${this.maxRetries} in ${Math.round(delay)} ms`,
      );
      await sleep(delay, signal);
      retries++;
    }
  }

  /**
   * One request on the wire, bounded by `ms` and the caller's signal whatever
   * the SDK does: the first of answer, timeout and abort settles the attempt
   * (and aborts the request), so an SDK stuck reading a body cannot hang the caller.
   */
  private attempt<T>(
    send: (signal: AbortSignal) => Promise<T>,
    ms: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    throwIfCancelled(signal);
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (then: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        then();
      };
      const timer = this.transportTimesOut
        ? undefined
        : setTimeout(
            () =>
              settle(() => {
                controller.abort();
                reject(new LLMError("timeout", `no answer within ${Math.round(ms)} ms`));
              }),
            ms,
          );
      const onAbort = () =>
        settle(() => {
          controller.abort();
          reject(cancelledError(signal as AbortSignal));
        });
      signal?.addEventListener("abort", onAbort, { once: true });
      let pending: Promise<T>;
      try {
        pending = send(controller.signal);
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (raw) => settle(() => resolve(raw)),
        (err: unknown) =>
          settle(() =>
            reject(redactError(err instanceof LLMError ? err : this.toLLMError(err), this.secrets)),
          ),
      );
    });
  }

  /** Wait for the request and token budgets; returns the tokens taken (the estimate, corrected later). */
  private async waitForRate(estimate: number, signal: AbortSignal | undefined): Promise<number> {
    if (this.requestBucket) await this.requestBucket.take(1, signal);
    if (!this.tokenBucket) return 0;
    await this.tokenBucket.take(estimate, signal);
    return estimate;
  }

  /** A 400/422 to a request carrying response_format, from a server not yet seen to accept it. */
  private shouldFallBack(request: TransportRequest, err: LLMError): boolean {
    return (
      request.responseFormat !== undefined &&
      this.responseFormat !== "supported" &&
      err.kind === "bad-request" &&
      (err.status === 400 || err.status === 422)
    );
  }

  private noteResponseFormat(request: TransportRequest, plain: boolean): void {
    if (request.responseFormat) {
      this.responseFormat = "supported";
    } else if (plain && this.responseFormat === "unknown") {
      this.responseFormat = "unsupported";
      this.logger.warn(
        `serving "${this.name}": the server refused response_format (JSON schema); asking for JSON in the ` +
          "prompt instead, and extracting and validating it from the answer",
      );
    }
  }

  /** Split reasoning and, with a schema, extract and validate the JSON; throws bad-output carrying the raw text. */
  private finish(
    raw: TransportResult,
    schema: JSONSchema | undefined,
    startedAt: number,
    fromCache: boolean,
  ): LLMResult {
    const { answer, reasoning } = splitReasoning(raw.text, raw.reasoningContent);
    const rawOutput = raw.reasoningContent
      ? `<think>\n${raw.reasoningContent}\n</think>\n${raw.text}`
      : raw.text;
    let object: unknown;
    if (schema) {
      try {
        object = parseStructured(raw.text, schema);
      } catch (err) {
        if (err instanceof LLMError) {
          throw new LLMError(err.kind, err.message, { raw: rawOutput, cause: err.cause });
        }
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
      ...(schema ? { object } : {}),
      usage: raw.usage ?? { promptTokens: 0, completionTokens: 0 },
      model: raw.model ?? this.model,
      latencyMs: performance.now() - startedAt,
      fromCache,
    };
  }

  private async store(key: string, raw: TransportResult): Promise<void> {
    const entry: CachedResponse = {
      model: raw.model ?? this.model,
      text: raw.text,
      ...(raw.reasoningContent ? { reasoningContent: raw.reasoningContent } : {}),
      usage: raw.usage ?? { promptTokens: 0, completionTokens: 0 },
    };
    const cache = this.cache;
    if (cache) await this.storeSafely(() => cache.set(key, entry));
  }

  private async storeSafely(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      // A cache that cannot be written costs money on the next run, but must not fail this row.
      if (!this.cacheWriteWarned) {
        this.cacheWriteWarned = true;
        this.logger.warn(
          `serving "${this.name}": cannot write the response cache: ${(err as Error).message}`,
        );
      }
    }
  }
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

/** Texts `embed` can send: strings, none empty (endpoints refuse them; a local model has no vector for one). */
function checkTexts(texts: readonly string[], serving: string): void {
  if (!Array.isArray(texts)) {
    throw new LLMError("bad-request", `serving "${serving}": embed takes an array of strings`);
  }
  for (const [i, text] of texts.entries()) {
    if (typeof text !== "string") {
      throw new LLMError(
        "bad-request",
        `serving "${serving}": texts[${i}] to embed is a ${typeof text}, not a string`,
      );
    }
    if (text.length === 0) {
      throw new LLMError(
        "bad-request",
        `serving "${serving}": texts[${i}] to embed is empty; leave empty passages or queries out before embedding`,
      );
    }
  }
}

/** OpenAI requires ^[a-zA-Z0-9_-]{1,64}$ for the response_format name. */
function responseFormatName(name: string | undefined): string {
  const cleaned = (name ?? "response").replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return cleaned || "response";
}

/** Thrown inside the retry loop's try block to leave the loop with `error` as it is. */
class Final {
  constructor(readonly error: LLMError) {}
}

function gaveUp(err: LLMError, retries: number, why?: string): LLMError {
  if (retries === 0 && !why) return err;
  const attempts = `${retries + 1} attempt${retries === 0 ? "" : "s"}`;
  const suffix = why ? ` (gave up after ${attempts}: ${why})` : ` (gave up after ${attempts})`;
  return new LLMError(err.kind, `${err.message}${suffix}`, {
    ...(err.raw !== undefined ? { raw: err.raw } : {}),
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    cause: err.cause,
  });
}
