import type { KindConfig, LLMServingABC, Logger, RetrieverABC } from "@dataflow/core";
import type { RetrieverConfig } from "./retriever-config.js";
import { Bm25Retriever } from "./retrievers/bm25-retriever.js";
import { DenseRetriever } from "./retrievers/dense-retriever.js";
import { HybridRetriever } from "./retrievers/hybrid-retriever.js";

export interface CreateRetrieverOptions {
  /** The pipeline's servings by name; dense and hybrid retrievers embed with `config.serving`. */
  servings?: Record<string, LLMServingABC>;
  logger?: Logger;
}

/**
 * A retriever as declared under `retrievers:` in a pipeline (corpus path already absolute): a typed
 * RetrieverConfig, or a compiled plan's block, which the compiler checked against its type's schema.
 */
export function createRetriever(
  name: string,
  given: RetrieverConfig | KindConfig,
  options: CreateRetrieverOptions = {},
): RetrieverABC {
  const config = given as RetrieverConfig;
  const corpus = { file: config.corpus, textField: config.textField, idField: config.idField };
  const logger = options.logger ? { logger: options.logger } : {};
  switch (config.type) {
    case "bm25":
      return new Bm25Retriever({ name, corpus, k1: config.bm25?.k1, b: config.bm25?.b, ...logger });
    case "dense":
      return new DenseRetriever({
        name,
        corpus,
        serving: embeddingServing(name, config, options),
        ...logger,
      });
    case "hybrid":
      return new HybridRetriever({
        name,
        corpus,
        serving: embeddingServing(name, config, options),
        k1: config.bm25?.k1,
        b: config.bm25?.b,
        rrfK: config.rrfK,
        depth: config.depth,
        weights: { bm25: config.weights?.bm25, dense: config.weights?.dense },
        ...logger,
      });
    default:
      throw new Error(
        `retriever "${name}": type "${String(config.type)}" is not supported (bm25, dense or hybrid)`,
      );
  }
}

function embeddingServing(
  name: string,
  config: RetrieverConfig,
  options: CreateRetrieverOptions,
): LLMServingABC {
  const declared = Object.keys(options.servings ?? {});
  const known =
    declared.length > 0 ? `declared servings: ${declared.join(", ")}` : "no servings are declared";
  if (config.serving === undefined) {
    throw new Error(
      `retriever "${name}" (type ${config.type}) needs a serving to embed passages and queries: set retrievers.${name}.serving (${known})`,
    );
  }
  const serving = options.servings?.[config.serving];
  if (!serving) {
    throw new Error(
      `retriever "${name}" (type ${config.type}) names serving "${config.serving}", which is not declared (${known})`,
    );
  }
  return serving;
}
