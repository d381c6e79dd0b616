import type { LLMError, Logger } from "@dataflow/core";
import type {
  EmbedTransportResult,
  PreparePurpose,
  Transport,
  TransportRequest,
  TransportResult,
} from "../serving/transport.js";
import type { ProgressStream } from "./download-progress.js";
import { LocalEmbedder } from "./local-embedder.js";
import { localGenerationError } from "./local-errors.js";
import { LocalModel } from "./local-model.js";
import { type LocalGpu, LocalRuntime } from "./local-runtime.js";
import type { ModelReference } from "./model-reference.js";

export interface LocalTransportOptions {
  servingName: string;
  /** The chat model. */
  reference: ModelReference;
  /** The model `embed` uses: `reference` itself unless another was named. */
  embeddingReference: ModelReference;
  /** Sequences generated in parallel. */
  sequences: number;
  /** A stall: no token for this long. */
  stallTimeoutMs: number;
  modelsDir: string;
  contextSize?: number | undefined;
  threads?: number | undefined;
  gpu?: LocalGpu | undefined;
  env: Record<string, string | undefined>;
  logger: Logger;
  progressStream: ProgressStream;
}

/**
 * An in-process GGUF model through node-llama-cpp as a transport: one generation (or one batch
 * embedded) per call. Nothing is loaded when it is created; `prepare` (or the first call) downloads
 * the model if needed and loads node-llama-cpp and the model once, a failure kept, so every
 * later call fails the same way at once.
 */
export class LocalTransport implements Transport {
  private readonly loadAbort = new AbortController();
  private readonly runtime: LocalRuntime;
  private loading: Promise<LocalModel> | undefined;
  private embedderLoading: Promise<LocalEmbedder> | undefined;
  private closed = false;

  constructor(private readonly o: LocalTransportOptions) {
    this.runtime = new LocalRuntime({
      servingName: o.servingName,
      modelsDir: o.modelsDir,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(o.gpu !== undefined ? { gpu: o.gpu } : {}),
      env: o.env,
      logger: o.logger,
      progressStream: o.progressStream,
      signal: this.loadAbort.signal,
    });
  }

  prepare(_signal: AbortSignal | undefined, purpose: PreparePurpose): Promise<void> {
    return (purpose === "embed" ? this.embedder() : this.model()).then(() => undefined);
  }

  async chat(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    const model = await this.model();
    return model.generate(request.messages, request.settings, {
      ...(request.responseFormat ? { schema: request.responseFormat.schema } : {}),
      stallTimeoutMs: this.o.stallTimeoutMs,
      signal,
    });
  }

  async embed(_model: string, texts: readonly string[], signal: AbortSignal): Promise<EmbedTransportResult> {
    const embedder = await this.embedder();
    return embedder.embed(texts, signal);
  }

  toLLMError(err: unknown): LLMError {
    return localGenerationError(err);
  }

  /** Stops a load under way and frees the context, the models and llama.cpp. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loadAbort.abort(new Error(`serving "${this.o.servingName}" was closed`));
    const chat = await this.loading?.catch(() => undefined);
    await chat?.dispose();
    const embedder = await this.embedderLoading?.catch(() => undefined);
    await embedder?.dispose();
    await this.runtime.dispose();
  }

  /** The chat model, loaded once. */
  private model(): Promise<LocalModel> {
    if (this.closed) return Promise.reject(new Error(`serving "${this.o.servingName}" is closed`));
    if (!this.loading) {
      const o = this.o;
      this.loading = LocalModel.create(this.runtime, {
        servingName: o.servingName,
        reference: o.reference,
        sequences: o.sequences,
        ...(o.contextSize !== undefined ? { contextSize: o.contextSize } : {}),
        logger: o.logger,
      });
      this.logFailure(this.loading);
    }
    return this.loading;
  }

  /** The embedding model, loaded once, the same way. */
  private embedder(): Promise<LocalEmbedder> {
    if (this.closed) return Promise.reject(new Error(`serving "${this.o.servingName}" is closed`));
    if (!this.embedderLoading) {
      const o = this.o;
      this.embedderLoading = LocalEmbedder.create(this.runtime, {
        servingName: o.servingName,
        reference: o.embeddingReference,
        ...(o.contextSize !== undefined ? { contextSize: o.contextSize } : {}),
        logger: o.logger,
      });
      this.logFailure(this.embedderLoading);
    }
    return this.embedderLoading;
  }

  private logFailure(loading: Promise<unknown>): void {
    loading.catch((err: unknown) => {
      if (!this.closed) this.o.logger.error((err as Error).message);
    });
  }
}
