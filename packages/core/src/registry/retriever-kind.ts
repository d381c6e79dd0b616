import type { JSONSchema } from "../contracts/json-schema.js";
import type { LLMServingABC } from "../contracts/llm-serving.js";
import type { Logger } from "../contracts/logger.js";
import type { RetrieverABC } from "../contracts/retriever.js";
import type { KindConfig } from "../pipeline/plan.js";

export interface RetrieverContext {
  /** The servings the run built, by name; a kind that needs one finds `config.serving` here. */
  servings: Readonly<Record<string, LLMServingABC>>;
  logger: Logger;
}

/**
 * Whether a retriever kind uses the serving its config names (`serving: <name>`), in words for
 * messages: `{ use: "required", why: "to compute embeddings" }` or
 * `{ use: "unused", why: "computes no embeddings" }`.
 */
export type RetrieverServingUse = { use: "required"; why: string } | { use: "unused"; why: string };

/**
 * A kind of retriever a pipeline can declare under `retrievers:` (`type: <type>`). The compiler
 * validates the config against `options`, resolves the options named in `paths` against the
 * pipeline's folder (and checks those files exist), and checks `serving:` as `serving` says;
 * the CLI builds it with `create`.
 */
export interface RetrieverKind {
  /** The `type:` value, e.g. "bm25". */
  readonly type: string;
  readonly description: string;
  /** JSON Schema of the config block (an object schema; `type` and `serving` are added by the compiler). */
  readonly options: JSONSchema;
  /** Options holding file paths: made absolute against the pipeline's folder; each must exist. */
  readonly paths?: readonly string[];
  readonly serving: RetrieverServingUse;
  readonly default?: boolean;
  /** Builds the retriever `retrievers.<name>`; nothing is read until it is opened. */
  create(name: string, config: KindConfig, context: RetrieverContext): RetrieverABC;
}
