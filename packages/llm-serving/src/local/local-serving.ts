import type { LLMError } from "@dataflow/core";
import {
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "../serving/serving-base.js";
import type { ProgressStream } from "./download-progress.js";
import { localGenerationError } from "./local-errors.js";
import { type LocalGpu, LocalModel } from "./local-model.js";
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
  /** Tokens of context per sequence. */
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
 * `timeoutMs` bounds a stall (no token for that long), not a long answer. The shared middleware
 * (cache, limits, retries, validation, usage) is ServingBase's, as for the other servings.
 */
export class LocalServing extends ServingBase {
  readonly reference: ModelReference;
  readonly sequences: number;
  readonly modelsDir: string;
  private readonly options: LocalServingOptions;
  private readonly stallTimeoutMs: number;
  private readonly loadAbort = new AbortController();
  private loading: Promise<LocalModel> | undefined;
  private closed = false;

  constructor(options: LocalServingOptions) {
    const sequences = Math.max(1, options.sequences ?? Math.min(options.maxConcurrency, MAX_LOCAL_SEQUENCES));
    const reference = parseModelReference(options.model, options.cwd);
    if (options.sha256) reference.sha256 = options.sha256.toLowerCase();
    // The serving's concurrency is its sequences: a request beyond them would only wait, on the clock.
    super({ ...options, model: reference.label, maxConcurrency: sequences, transportTimesOut: true });
    this.options = options;
    this.reference = reference;
    this.sequences = sequences;
    this.modelsDir = options.modelsDir;
    this.stallTimeoutMs = options.timeoutMs;
  }

  protected override prepare(): Promise<void> {
    return this.load().then(() => undefined);
  }

  protected async transport(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    const model = await this.load();
    return model.generate(request.messages, request.settings, {
      ...(request.responseFormat ? { schema: request.responseFormat.schema } : {}),
      stallTimeoutMs: this.stallTimeoutMs,
      signal,
    });
  }

  protected toLLMError(err: unknown): LLMError {
    return localGenerationError(err);
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loadAbort.abort(new Error(`serving "${this.name}" was closed`));
    const loading = this.loading;
    if (!loading) return;
    const model = await loading.catch(() => undefined);
    await model?.dispose();
  }

  /** The model, loaded once; a failure is kept, so every request fails the same way at once. */
  private load(): Promise<LocalModel> {
    if (this.closed) return Promise.reject(new Error(`serving "${this.name}" is closed`));
    if (!this.loading) {
      const o = this.options;
      this.loading = LocalModel.load({
        servingName: this.name,
        reference: this.reference,
        modelsDir: this.modelsDir,
        sequences: this.sequences,
        ...(o.threads !== undefined ? { threads: o.threads } : {}),
        ...(o.contextSize !== undefined ? { contextSize: o.contextSize } : {}),
        ...(o.gpu !== undefined ? { gpu: o.gpu } : {}),
        env: o.env ?? process.env,
        logger: this.logger,
        progressStream: o.progressStream ?? process.stderr,
        signal: this.loadAbort.signal,
      });
      this.loading.catch((err: unknown) => {
        if (!this.closed) this.logger.error((err as Error).message);
      });
    }
    return this.loading;
  }
}
