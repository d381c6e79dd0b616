import type { OperatorRegistry } from "@dataflow/core";
import { ContaminationOperator } from "./contamination/contamination.js";
import { LeakageOperator } from "./leakage/leakage.js";
import { NearDedupOperator } from "./near-dedup/near-dedup.js";

/** The operators of this package, in the order `dataflow operators` lists them. */
export const qualityOperators = [NearDedupOperator, ContaminationOperator, LeakageOperator] as const;

/** The package as a plugin (`plugins: ["@dataflow/operators-quality"]`): registers the quality operators. */
export function register(registry: OperatorRegistry): void {
  for (const op of qualityOperators) registry.register(op, "@dataflow/operators-quality");
}
