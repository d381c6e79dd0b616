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
import type { LocalGpu } from "./local-runtime.js";
import { LocalTransport } from "./local-transport.js";
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
 * An in-process GGUF model through node-llama-cpp, for running offline with no endpoint: a
 * LocalTransport with the shared layers of ServingBase around it (cache, limits, retries,
 * validation, usage), as for the other servings. Nothing is loaded when it is created: the first
 * request that the cache does not answer downloads the model if needed, loads node-llama-cpp
 * and the model, and every later request shares them. Embeddings come from `embeddingModel` (a
 * GGUF path or URI, the chat model by default), loaded the same way on the first `embed` that
 * the cache does not answer, and only then. `timeoutMs` bounds a stall (no token for that long),
 * not a long answer.
 */
export class LocalServing extends ServingBase {
  readonly reference: ModelReference;
  /** The model `embed` uses: `reference` itself unless `embeddingModel` names another. */
  readonly embeddingReference: ModelReference;
  readonly sequences: number;
  readonly modelsDir: string;
  private readonly wire: LocalTransport;

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
    this.reference = reference;
    this.embeddingReference = embeddingReference;
    this.sequences = sequences;
    this.modelsDir = options.modelsDir;
    this.wire = new LocalTransport({
      servingName: this.name,
      reference,
      embeddingReference,
      sequences,
      stallTimeoutMs: options.timeoutMs,
      modelsDir: options.modelsDir,
      contextSize: options.contextSize,
      threads: options.threads,
      gpu: options.gpu,
      env: options.env ?? process.env,
      logger: this.logger,
      progressStream: options.progressStream ?? process.stderr,
    });
  }

  protected override prepare(signal: AbortSignal | undefined, purpose: PreparePurpose): Promise<void> {
    return this.wire.prepare(signal, purpose);
  }

  protected transport(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    return this.wire.chat(request, signal);
  }

  protected override embedTransport(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<EmbedTransportResult> {
    return this.wire.embed(model, texts, signal);
  }

  protected toLLMError(err: unknown): LLMError {
    return this.wire.toLLMError(err);
  }

  override close(): Promise<void> {
    return this.wire.close();
  }
}

function sameFile(a: ModelReference, b: ModelReference): boolean {
  if (a.kind === "file" && b.kind === "file") return a.path === b.path;
  if (a.kind === "uri" && b.kind === "uri") return a.uri === b.uri;
  return false;
}
