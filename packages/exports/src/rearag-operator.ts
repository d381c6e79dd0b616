import { EXPORT_INPUTS, ExportOperator, type ExportParams, exportOperatorSpec } from "./export-operator.js";
import { REARAG_DEFAULT_MAX_STEPS, REARAG_FORMAT } from "./rearag.js";

export interface ReaRagExportParams extends ExportParams {
  from: "trajectory";
  maxSteps: number;
}

/** Trajectory rows → ReaRAG-20k rows, checked with ReaRAG's cleaning rules. */
export class ReaRagExportOperator extends ExportOperator<ReaRagExportParams> {
  static readonly spec = exportOperatorSpec<ReaRagExportParams>(REARAG_FORMAT, {
    name: "export/rearag",
    version: "1.0.0",
    description:
      "Write each trajectory as a ReaRAG-20k row {messages: [user, assistant{reasoning}, observation, …]}, the format " +
      "ReaRAG trains on (loss on the assistant reasoning only). Checked with ReaRAG's cleaning rules: the first message " +
      "is the user's; every assistant step is followed by an observation unless it is the last message; observations " +
      "only follow a search; thought numbers run 1, 2, 3… without gaps; the last message is an assistant finish; at " +
      "most maxSteps steps. A row that breaks one is rejected naming every broken rule. The output row holds only " +
      "messages plus `keep`.",
    kinds: ["trajectory"],
    params: {
      maxSteps: {
        type: "integer",
        minimum: 1,
        default: REARAG_DEFAULT_MAX_STEPS,
        description: "Most assistant steps in a trajectory (ReaRAG builds at most 25)",
      },
    },
    inputs: {
      messages: {
        ...(EXPORT_INPUTS.messages as NonNullable<typeof EXPORT_INPUTS.messages>),
        optional: false,
      },
    },
  });

  protected readonly definition = REARAG_FORMAT;
}
