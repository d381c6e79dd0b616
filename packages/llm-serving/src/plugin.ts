import type { OperatorRegistry } from "@dataflow/core";
import { GenerateOperator } from "./operators/generate.js";

/** The package as a plugin (`plugins: ["@dataflow/llm-serving"]`): registers llm/generate. */
export function register(registry: OperatorRegistry): void {
  registry.register(GenerateOperator, "@dataflow/llm-serving");
}
