import type { LLMServingABC, Logger, RetrieverABC, RetrieverConfig } from "@dataflow/core";
import { Bm25Retriever } from "./retrievers/bm25-retriever.js";

export interface CreateRetrieverOptions {
  /** The pipeline's servings by name; dense and hybrid retrievers embed with `config.serving`. */
  servings?: Record<string, LLMServingABC>;
  logger?: Logger;
}

/** A retriever as declared under `retrievers:` in a pipeline (corpus path already absolute). */
export function createRetriever(
  name: string,
  config: RetrieverConfig,
  options: CreateRetrieverOptions = {},
): RetrieverABC {
  const corpus = { file: config.corpus, textField: config.textField, idField: config.idField };
  switch (config.type) {
    case "bm25":
      return new Bm25Retriever({
        name,
        corpus,
        k1: config.bm25.k1,
        b: config.bm25.b,
        ...(options.logger ? { logger: options.logger } : {}),
      });
    default:
      throw new Error(`retriever "${name}": type "${String(config.type)}" is not supported yet`);
  }
}
