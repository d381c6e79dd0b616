import { OperatorRegistry, registerCoreOperators } from "@dataflow/core";
import * as exportsPlugin from "@dataflow/exports";
import * as quality from "@dataflow/operators-quality";
import * as rag from "@dataflow/operators-rag";
import * as rare from "@dataflow/operators-rare";

/** A registry with the operators that ship with the framework. */
export function createDefaultRegistry(): OperatorRegistry {
  const registry = new OperatorRegistry();
  registerCoreOperators(registry);
  registry.use(rare, "@dataflow/operators-rare");
  registry.use(rag, "@dataflow/operators-rag");
  registry.use(exportsPlugin, "@dataflow/exports");
  registry.use(quality, "@dataflow/operators-quality");
  return registry;
}
