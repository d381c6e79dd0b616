import type { JSONSchema } from "../contracts/json-schema.js";
import type { LLMServingABC } from "../contracts/llm-serving.js";
import type { Logger } from "../contracts/logger.js";
import type { KindConfig } from "../pipeline/plan.js";

/** What a serving kind's factory gets besides its config: the run's environment and where things go. */
export interface ServingContext {
  /** Where API keys and endpoints are read (the CLI's environment). */
  env: Record<string, string | undefined>;
  /** Directory of the response cache shared across runs; no cache when absent. */
  cacheDir?: string;
  logger: Logger;
  /** Where long waits (a model download) draw progress; stderr in the CLI. */
  progressStream?: { write(text: string): unknown; isTTY?: boolean };
  /** The run's directory, where a serving keeps what a resumed run needs (batch journals). */
  runDir?: string;
}

/**
 * A kind of LLM serving a pipeline can declare under `servings:` (`type: <type>`). A plugin
 * registers it with `registry.servingKinds.add(kind)`; the compiler validates each declared
 * serving against `options`, and the CLI builds it with `create`.
 */
export interface ServingKind {
  /** The `type:` value, e.g. "openai". */
  readonly type: string;
  /** One line for the schema and listings. */
  readonly description: string;
  /**
   * JSON Schema of the serving's config block (an object schema; `type` is added by the
   * compiler). Its `default`s are filled before `create` sees the config.
   */
  readonly options: JSONSchema;
  /** A serving declared without `type:` is of this kind; at most one kind claims it. */
  readonly default?: boolean;
  /**
   * Imports what `create` needs, when that is heavy (an LLM SDK): a kind registered for start-up
   * speed defines it, and callers await it before `create`. Kinds without it create at once.
   */
  load?(): Promise<void>;
  /** Builds the serving `servings.<name>`; `config` passed `options`, defaults filled. Loads nothing yet. */
  create(name: string, config: KindConfig, context: ServingContext): LLMServingABC;
}
