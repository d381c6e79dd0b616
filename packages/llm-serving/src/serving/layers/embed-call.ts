/** An `embed` call as the layers see it: each distinct text once. */
export interface EmbedCall {
  model: string;
  texts: readonly string[];
  /** How often each text occurs in the caller's list: a cache hit on it counts as that many cached texts. */
  uses: readonly number[];
}

/** Vectors for an EmbedCall's texts, in order. */
export interface EmbedAnswer {
  vectors: Float32Array[];
  promptTokens: number;
  /** Texts of the caller's list (repeats included) answered from the cache. */
  cached: number;
}

/** One embeddings request's worth of texts (at most `embeddingBatchSize`). */
export interface EmbedBatch {
  model: string;
  texts: readonly string[];
}

/** A batch's checked vectors, in order. */
export interface BatchVectors {
  vectors: Float32Array[];
  promptTokens: number;
  /** The model that answered, as the endpoint names it. */
  model?: string | undefined;
}
