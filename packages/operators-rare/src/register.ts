import type { OperatorRegistry } from "@dataflow/core";
import { Bm25HardNegOperator } from "./bm25-hard-neg.js";
import { Doc2QueryOperator } from "./doc2query.js";
import { QaDistillOperator } from "./qa-distill/qa-distill.js";
import { ReasonDistillOperator } from "./reason-distill.js";

/** The package as a plugin (`plugins: ["@dataflow/operators-rare"]`): registers the RARE operators. */
export function register(registry: OperatorRegistry): void {
  for (const op of [Doc2QueryOperator, Bm25HardNegOperator, ReasonDistillOperator, QaDistillOperator]) {
    registry.register(op, "@dataflow/operators-rare");
  }
}
