import { OperatorRegistry, registerCoreOperators } from "@dataflow/core";
import * as llmServing from "@dataflow/llm-serving";

/** A registry with the operators that ship with the framework. */
export function createDefaultRegistry(): OperatorRegistry {
  const registry = new OperatorRegistry();
  registerCoreOperators(registry);
  registry.use(llmServing, "@dataflow/llm-serving");
  return registry;
}
