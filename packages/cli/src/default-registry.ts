import { OperatorRegistry, registerCoreOperators } from "@dataflow/core";

/** A registry with the operators that ship with the framework. */
export function createDefaultRegistry(): OperatorRegistry {
  const registry = new OperatorRegistry();
  registerCoreOperators(registry);
  return registry;
}
