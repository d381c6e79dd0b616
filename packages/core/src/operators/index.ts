import type { OperatorClass } from "../contracts/operator.js";
import type { OperatorRegistry } from "../registry/registry.js";
import { DedupOperator } from "./dedup.js";
import { DropOperator } from "./drop.js";
import { FilterOperator } from "./filter.js";
import { LengthFilterOperator } from "./length-filter.js";
import { LimitOperator } from "./limit.js";
import { RenameOperator } from "./rename.js";
import { SampleOperator } from "./sample.js";
import { SelectOperator } from "./select.js";
import { TemplateOperator } from "./template.js";
import { GenerateOperator } from "../llm/generate-operator.js";
import { JudgeOperator } from "../llm/judge-operator.js";
import { PairwiseJudgeOperator } from "../llm/judge-pairwise-operator.js";


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
  GenerateOperator,
  JudgeOperator,
  PairwiseJudgeOperator,
];

export function registerCoreOperators(registry: OperatorRegistry): void {
  for (const cls of coreOperators) registry.register(cls, "@dataflow/core");
}
