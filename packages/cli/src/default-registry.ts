import { OperatorRegistry, registerCoreOperators } from "@dataflow/core";
import * as llmServing from "@dataflow/llm-serving";
import * as rare from "@dataflow/operators-rare";

/** A registry with the operators that ship with the framework. */
export function createDefaultRegistry(): OperatorRegistry {
  const registry = new OperatorRegistry();
  registerCoreOperators(registry);
  registry.use(llmServing, "@dataflow/llm-serving");
  registry.use(rare, "@dataflow/operators-rare");
  return registry;
}
