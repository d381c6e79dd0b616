import type { OperatorRegistry } from "@dataflow/core";
import { OpenAIChatExportOperator } from "./openai-chat-operator.js";
import { ReaRagExportOperator } from "./rearag-operator.js";
import { ShareGptExportOperator } from "./sharegpt-operator.js";
import { TrlExportOperator } from "./trl-operator.js";

/** The package as a plugin (`plugins: ["@dataflow/exports"]`): registers the four export operators. */
export function register(registry: OperatorRegistry): void {
  for (const op of [
    OpenAIChatExportOperator,
    ShareGptExportOperator,
    TrlExportOperator,
    ReaRagExportOperator,
  ]) {
    registry.register(op, "@dataflow/exports");
  }
}
