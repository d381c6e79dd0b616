import {
  type ChatMessage,
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
import { withJsonInstruction } from "./json-instruction.js";
import { redactError } from "./llm-errors.js";
import { type CachedResponse, ResponseCache, cacheKey } from "./response-cache.js";
import { DEFAULT_MAX_DELAY_MS, type RetryTuning, backoffDelay, isRetryable } from "./retry-policy.js";
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
  /** Values that must never appear in errors or logs (the API key). */
  secrets?: readonly string[];
  /**
   * The transport bounds each attempt itself (with `timeoutMs`), so no wall-clock timer runs here:
   * an in-process model cannot hang like a server, and its long generations make progress.
   */
  transportTimesOut?: boolean;
}

type ResponseFormatSupport = "unknown" | "supported" | "unsupported";

/**
 * The shared middleware of every serving, one owner per concern: the response
 * cache, the concurrency limit (a slot is held only while a request is on the
 * wire, never during a retry backoff), request and token rate limits, retries
 * with backoff and Retry-After, per-attempt timeouts and the caller's abort,
 * output handling (reasoning split, JSON extraction and validation) and usage
 * accounting. A transport only turns one request into one raw answer.
 */
export abstract class ServingBase extends LLMServingABC {
  readonly name: string;
  readonly model: string;
  readonly maxConcurrency: number;
  protected readonly logger: Logger;
  protected readonly secrets: readonly string[];
  private readonly settings: GenerationSettings;
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

  /** Map what `transport` threw to a typed LLMError. */
  protected abstract toLLMError(err: unknown): LLMError;

  /**
   * Runs once per request that the cache did not answer, before any attempt, outside the
   * concurrency slots and timeouts: where a serving loads what it needs (a local model), so a
   * download is neither timed out nor retried. What it throws fails the request as it is.
   */
  protected prepare(_signal: AbortSignal | undefined): Promise<void> {
    return Promise.resolve();
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

    await this.prepareOrCancel(signal);
    const raw = await this.send(request.messages, settings, options);
    const result = this.finish(raw, schema, startedAt, false);
    if (key !== undefined) await this.store(key, raw);
    return result;
  }

  override fingerprint(): Record<string, unknown> {
    // The endpoint and the serving type stay out: a moved server gives the same answers.
    return { model: this.model, settings: { ...this.settings } };
  }

  override usage(): { total: UsageTotals; byTag: Record<string, UsageTotals> } {
    return this.meter.snapshot();
  }

  /** `prepare`, given up at once (as cancelled) when the caller's signal aborts. */
  private async prepareOrCancel(signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return this.prepare(undefined);
    try {
      await raceAbort(this.prepare(signal), signal);
    } catch (err) {
      if (err === ABORTED) throw cancelledError(signal);
      throw err;
    }
  }

  /** The retry loop: one attempt per iteration, the slot given back before any backoff. */
  private async send(
    messages: ChatMessage[],
    settings: GenerationSettings,
    options: GenerateOptions,
  ): Promise<TransportResult> {
    const { signal, schema, tag } = options;
    const schemaName = responseFormatName(options.schemaName);
    let retries = 0;
    let plain = false;
    let deadline = Number.POSITIVE_INFINITY;
    let last: LLMError | undefined;
    for (;;) {
      const prompted = schema !== undefined && (plain || this.responseFormat === "unsupported");
      const request: TransportRequest = {
        model: this.model,
        messages: prompted && schema ? withJsonInstruction(messages, schema) : messages,
        settings,
        ...(schema && !prompted ? { responseFormat: { name: schemaName, schema } } : {}),
      };
      // Requests back from a backoff go first: they were admitted before the ones still queued.
      const release = await this.limiter.acquire(signal, retries > 0 || plain);
      let failure: unknown;
      try {
        const estimate = await this.waitForRate(request, signal);
        if (deadline === Number.POSITIVE_INFINITY) deadline = performance.now() + this.totalTimeoutMs;
        const left = deadline - performance.now();
        if (last && left <= 0)
          throw new Final(gaveUp(last, retries, "its deadline passed while it waited for a slot"));
        const budget = Math.min(this.timeoutMs, left);
        this.meter.request(tag);
        const raw = await this.attempt(request, budget, signal);
        if (raw.usage) {
          this.meter.tokens(tag, raw.usage);
          this.tokenBucket?.adjust(raw.usage.promptTokens + raw.usage.completionTokens - estimate);
        }
        this.noteResponseFormat(request, plain);
        return raw;
      } catch (err) {
        failure = err;
      } finally {
        release();
      }
      if (failure instanceof Final) throw failure.error;
      if (!(failure instanceof LLMError)) throw failure;
      last = failure;
      if (this.shouldFallBack(request, failure)) {
        // Not a retry: the same question, asked the way this server understands.
        plain = true;
        continue;
      }
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
  private attempt(
    request: TransportRequest,
    ms: number,
    signal: AbortSignal | undefined,
  ): Promise<TransportResult> {
    throwIfCancelled(signal);
    const controller = new AbortController();
    return new Promise<TransportResult>((resolve, reject) => {
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
      let pending: Promise<TransportResult>;
      try {
        pending = this.transport(request, controller.signal);
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

  /** Wait for the request and token budgets; returns the tokens taken (an estimate, corrected later). */
  private async waitForRate(request: TransportRequest, signal: AbortSignal | undefined): Promise<number> {
    if (this.requestBucket) await this.requestBucket.take(1, signal);
    if (!this.tokenBucket) return 0;
    let chars = 0;
    for (const m of request.messages) chars += m.content.length;
    const estimate = Math.ceil(chars / 4) + (request.settings.maxTokens ?? 0);
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
    try {
      await this.cache?.set(key, entry);
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
