import type { OperatorRegistry } from "@dataflow/core";
import { ChunkOperator } from "./chunk/chunk-operator.js";

/** The operators of this package, in the order `dataflow operators` lists them. */
export const docsOperators = [ChunkOperator] as const;

/** The package as a plugin (`plugins: ["@dataflow/operators-docs"]`): registers the document operators. */
export function register(registry: OperatorRegistry): void {
  for (const op of docsOperators) registry.register(op, "@dataflow/operators-docs");
}
