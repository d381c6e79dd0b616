import type { OperatorClass } from "../operator.js";
import type { OperatorRegistry } from "../registry.js";
import { DedupOperator } from "./dedup.js";
import { DropOperator } from "./drop.js";
import { FilterOperator } from "./filter.js";
import { LengthFilterOperator } from "./length-filter.js";
import { LimitOperator } from "./limit.js";
import { RenameOperator } from "./rename.js";
import { SampleOperator } from "./sample.js";
import { SelectOperator } from "./select.js";
import { TemplateOperator } from "./template.js";

export * from "./canonical-json.js";
export * from "./condition.js";
export * from "./dedup.js";
export * from "./drop.js";
export * from "./filter.js";
export * from "./length-filter.js";
export * from "./limit.js";
export * from "./rename.js";
export * from "./sample.js";
export * from "./select.js";
export * from "./template.js";
export * from "./template-string.js";

/** The generic operators that ship with @dataflow/core. */
export const coreOperators: readonly OperatorClass[] = [
  RenameOperator,
  SelectOperator,
  DropOperator,
  FilterOperator,
  DedupOperator,
  LengthFilterOperator,
  SampleOperator,
  LimitOperator,
  TemplateOperator,
];

export function registerCoreOperators(registry: OperatorRegistry): void {
  for (const cls of coreOperators) registry.register(cls, "@dataflow/core");
}
