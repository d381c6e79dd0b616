import type { OperatorRegistry, ServingKind } from "@dataflow/core";
import { SERVING_TYPES, servingOptionsSchema } from "./serving-kind-specs.js";

type Factory = typeof import("./create-serving.js");
let factory: Factory | undefined;

/**
 * The same serving types as `servingKinds`, registered without importing an LLM SDK: `load()`
 * imports the servings (openai, the AI SDK, node-llama-cpp's wrapper) when a run builds one, so
 * `dataflow --help`, `validate` and `operators` start fast. `create` before `load` is an error.
 */
export const lazyServingKinds: readonly ServingKind[] = SERVING_TYPES.map(
  ({ type, description, default: isDefault }) => ({
    type,
    description,
    options: servingOptionsSchema,
    ...(isDefault ? { default: true } : {}),
    load: async () => {
      factory ??= await import("./create-serving.js");
    },
    create: (name, config, context) => {
      if (!factory) throw new Error(`serving type "${type}": await kind.load() before kind.create()`);
      return factory.createServing(name, { ...config, type }, context);
    },
  }),
);

/** The plugin entry point of `@dataflow/llm-serving/lazy`: `register`, with the lazy kinds. */
export function register(registry: OperatorRegistry): void {
  for (const kind of lazyServingKinds) registry.servingKinds.add(kind);
}
