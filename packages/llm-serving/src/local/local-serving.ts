import type { LLMError } from "@dataflow/core";
import {
  type EmbedTransportResult,
  type PreparePurpose,
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "../serving/serving-base.js";
import type { ProgressStream } from "./download-progress.js";
import { LocalEmbedder } from "./local-embedder.js";
import { localGenerationError } from "./local-errors.js";
import { LocalModel } from "./local-model.js";
import { type LocalGpu, LocalRuntime } from "./local-runtime.js";
import { type ModelReference, parseModelReference } from "./model-reference.js";

/** Sequences in parallel when `maxConcurrency` asks for more: beyond a few, a CPU only slows each one down. */
export const MAX_LOCAL_SEQUENCES = 4;

export interface LocalServingOptions extends Omit<ServingBaseOptions, "model" | "transportTimesOut"> {
  /** A GGUF file path (relative to `cwd`) or a model URI (`hf:owner/repo/file.gguf`, an https URL). */
  model: string;
  /** Where model URIs are downloaded to, once. */
  modelsDir: string;
  /** Resolves a relative `model` path; process.cwd() by default. */
  cwd?: string;
  /** A sha256 the model file must have (the default model's is built in). */
  sha256?: string;
  /** CPU threads; default: the cores available to this process. */
  threads?: number;
  /** Tokens of context per sequence (and per text embedded). */
  contextSize?: number;
  /** Sequences generated in parallel; default min(maxConcurrency, 4). Also the serving's concurrency. */
  sequences?: number;
  gpu?: LocalGpu;
  /** HF_ENDPOINT, MODEL_ENDPOINT and HF_TOKEN are read here; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Where a download's progress bar is drawn; process.stderr by default. */
  progressStream?: ProgressStream;
}

/**
 * An in-process GGUF model through node-llama-cpp, for running offline with no endpoint. Nothing
 * is loaded when it is created: the first request that the cache does not answer downloads the
 * model if needed, loads node-llama-cpp and the model, and every later request shares them.
 * Embeddings come from `embeddingModel` (a GGUF path or URI, the chat model by default), loaded
 * the same way on the first `embed` that the cache does not answer, and only then.
 * `timeoutMs` bounds a stall (no token for that long), not a long answer. The shared middleware
 * (cache, limits, retries, validation, usage) is ServingBase's, as for the other servings.
 */
export class LocalServing extends ServingBase {
  readonly reference: ModelReference;
  /** The model `embed` uses: `reference` itself unless `embeddingModel` names another. */
  readonly embeddingReference: ModelReference;
  readonly sequences: number;
  readonly modelsDir: string;
  private readonly options: LocalServingOptions;
  private readonly stallTimeoutMs: number;
  private readonly loadAbort = new AbortController();
  private readonly runtime: LocalRuntime;
  private loading: Promise<LocalModel> | undefined;
  private embedderLoading: Promise<LocalEmbedder> | undefined;
  private closed = false;

  constructor(options: LocalServingOptions) {
    const sequences = Math.max(1, options.sequences ?? Math.min(options.maxConcurrency, MAX_LOCAL_SEQUENCES));
    const reference = parseModelReference(options.model, options.cwd);
    if (options.sha256) reference.sha256 = options.sha256.toLowerCase();
    const named = options.embeddingModel
      ? parseModelReference(options.embeddingModel, options.cwd)
      : undefined;
    // The chat model named again is the chat model, its checksum included.
    const embeddingReference = named && !sameFile(named, reference) ? named : reference;
    // The serving's concurrency is its sequences: a request beyond them would only wait, on the clock.
    super({
      ...options,
      model: reference.label,
      ...(named ? { embeddingModel: named.label } : {}),
      maxConcurrency: sequences,
      transportTimesOut: true,
    });
    this.options = options;
    this.reference = reference;
    this.embeddingReference = embeddingReference;
    this.sequences = sequences;
    this.modelsDir = options.modelsDir;
    this.stallTimeoutMs = options.timeoutMs;
    this.runtime = new LocalRuntime({
      servingName: this.name,
      modelsDir: this.modelsDir,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.gpu !== undefined ? { gpu: options.gpu } : {}),
      env: options.env ?? process.env,
      logger: this.logger,
      progressStream: options.progressStream ?? process.stderr,
      signal: this.loadAbort.signal,
    });
  }

  protected override prepare(_signal: AbortSignal | undefined, purpose: PreparePurpose): Promise<void> {
    return (purpose === "embed" ? this.loadEmbedder() : this.load()).then(() => undefined);
  }

  protected async transport(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    const model = await this.load();
    return model.generate(request.messages, request.settings, {
      ...(request.responseFormat ? { schema: request.responseFormat.schema } : {}),
      stallTimeoutMs: this.stallTimeoutMs,
      signal,
    });
  }

  protected override async embedTransport(
    _model: string,
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<EmbedTransportResult> {
    const embedder = await this.loadEmbedder();
    return embedder.embed(texts, signal);
  }

  protected toLLMError(err: unknown): LLMError {
    return localGenerationError(err);
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loadAbort.abort(new Error(`serving "${this.name}" was closed`));
    const chat = await this.loading?.catch(() => undefined);
    await chat?.dispose();
    const embedder = await this.embedderLoading?.catch(() => undefined);
    await embedder?.dispose();
    await this.runtime.dispose();
  }

  /** The chat model, loaded once; a failure is kept, so every request fails the same way at once. */
  private load(): Promise<LocalModel> {
    if (this.closed) return Promise.reject(new Error(`serving "${this.name}" is closed`));
    if (!this.loading) {
      const o = this.options;
      this.loading = LocalModel.create(this.runtime, {
        servingName: this.name,
        reference: this.reference,
        sequences: this.sequences,
        ...(o.contextSize !== undefined ? { contextSize: o.contextSize } : {}),
        logger: this.logger,
      });
      this.logFailure(this.loading);
    }
    return this.loading;
  }

  /** The embedding model, loaded once, the same way. */
  private loadEmbedder(): Promise<LocalEmbedder> {
    if (this.closed) return Promise.reject(new Error(`serving "${this.name}" is closed`));
    if (!this.embedderLoading) {
      const o = this.options;
      this.embedderLoading = LocalEmbedder.create(this.runtime, {
        servingName: this.name,
        reference: this.embeddingReference,
        ...(o.contextSize !== undefined ? { contextSize: o.contextSize } : {}),
        logger: this.logger,
      });
      this.logFailure(this.embedderLoading);
    }
    return this.embedderLoading;
  }

  private logFailure(loading: Promise<unknown>): void {
    loading.catch((err: unknown) => {
      if (!this.closed) this.logger.error((err as Error).message);
    });
  }
}

function sameFile(a: ModelReference, b: ModelReference): boolean {
  if (a.kind === "file" && b.kind === "file") return a.path === b.path;
  if (a.kind === "uri" && b.kind === "uri") return a.uri === b.uri;
  return false;
}
