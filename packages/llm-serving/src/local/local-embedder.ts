import { LLMError, type Logger } from "@dataflow/core";
import type { LlamaEmbeddingContext } from "node-llama-cpp";
import type { EmbedTransportResult } from "../serving/transport.js";
import { LocalModelUnavailableError } from "./local-errors.js";
import { contextSizeFor } from "./local-model.js";
import type { LocalRuntime } from "./local-runtime.js";
import type { ModelReference } from "./model-reference.js";

export interface LocalEmbedderOptions {
  servingName: string;
  reference: ModelReference;
  /** Tokens one text may have; default: what the model was trained on, within [2,048, 8,192]. */
  contextSize?: number;
  logger: Logger;
}

/**
 * A GGUF model's embeddings in-process: an embedding context on the runtime's copy of the model
 * (the chat model's own when they are the same file). It computes one text at a time.
 */
export class LocalEmbedder {
  private constructor(
    private readonly context: LlamaEmbeddingContext,
    readonly label: string,
  ) {}

  static async create(runtime: LocalRuntime, o: LocalEmbedderOptions): Promise<LocalEmbedder> {
    const { llama, model, threads, loadMs } = await runtime.load(o.reference);
    const startedAt = performance.now();
    let context: LlamaEmbeddingContext;
    try {
      context = await model.createEmbeddingContext({
        threads,
        contextSize: contextSizeFor(model, o.contextSize),
      });
    } catch (err) {
      // Nothing this model could embed would work (an encoder-decoder model, too little memory).
      throw new LocalModelUnavailableError(
        `serving "${o.servingName}": cannot compute embeddings with ${o.reference.label}: ${(err as Error).message}. ` +
          `Set servings.${o.servingName}.embeddingModel to a GGUF embedding model.`,
        { cause: err },
      );
    }
    const seconds = (loadMs + performance.now() - startedAt) / 1000;
    o.logger.info(
      `serving "${o.servingName}": local embedding model ${o.reference.label} ready in ${seconds.toFixed(1)} s ` +
        `(${llama.gpu === false ? "CPU" : `GPU: ${llama.gpu}`}, ${threads} thread${threads === 1 ? "" : "s"}, ` +
        `${model.embeddingVectorSize} dimensions)`,
    );
    return new LocalEmbedder(context, o.reference.label);
  }

  /** Vectors for `texts`, in order; stops between texts once `signal` aborts. */
  async embed(texts: readonly string[], signal: AbortSignal): Promise<EmbedTransportResult> {
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const text of texts) {
      // The attempt has already settled (timeout, abort): what is thrown here goes nowhere.
      if (signal.aborted) throw new Error("embedding stopped: the attempt was aborted");
      const tokens = this.context.calculateInputLength(text);
      let embedding: Awaited<ReturnType<LlamaEmbeddingContext["getEmbeddingFor"]>>;
      try {
        embedding = await this.context.getEmbeddingFor(text);
      } catch (err) {
        if (err instanceof Error && /longer than the usable context size/i.test(err.message)) {
          throw new LLMError(
            "bad-request",
            `a text of ${tokens} tokens ("${text.slice(0, 40)}…") is longer than the embedding model's context; ` +
              "split long passages, or raise the serving's contextSize if the model allows",
          );
        }
        throw err;
      }
      promptTokens += tokens;
      vectors.push([...embedding.vector]);
    }
    return { vectors, promptTokens, model: this.label };
  }

  /** Frees the context; the model and the runtime are the LocalRuntime's. */
  async dispose(): Promise<void> {
    await this.context.dispose().catch(() => {});
  }
}
