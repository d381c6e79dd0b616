import type { OperatorSpec } from "@dataflow/core";
import {
  EXPORT_INPUTS,
  ExportOperator,
  type ExportParams,
  exportColumns,
  exportParamsSchema,
} from "./export-operator.js";
import type { OptionRules } from "./export-options.js";
import { type Example, ROW_KINDS } from "./row-kinds.js";
import { SHAREGPT_OPTION_RULES, type ShareGptObservationAs, shareGptFromExample } from "./sharegpt.js";

export interface ShareGptExportParams extends ExportParams {
  observationAs?: ShareGptObservationAs;
}

const fields = (p: ShareGptExportParams) => (p.system ? ["conversations", "system"] : ["conversations"]);

/** Rows → LLaMA-Factory ShareGPT examples, the loss mask given by the turn tags. */
export class ShareGptExportOperator extends ExportOperator<ShareGptExportParams> {
  static readonly spec: OperatorSpec<ShareGptExportParams> = {
    name: "export/sharegpt",
    version: "1.0.0",
    description:
      "Turn each row into a LLaMA-Factory ShareGPT example: {conversations: [{from, value}…], system?}. LLaMA-Factory " +
      "trains gpt turns and masks human and observation turns, which must alternate (human/observation at odd " +
      "positions, gpt at even ones, an even count). rare / noisy-context: human = the labelled-document prompt, gpt = " +
      "the reasoning and answer (or the refusal). trajectory: user → human, assistant → gpt (the ReaRAG text verbatim), " +
      'observation → observation (observationAs: observation) or human "Observation: …" (observationAs: human). ' +
      "Every record is checked against the JSON Schema and the alternation; a row that fails is rejected with the " +
      "errors. The output row holds only the format's fields plus `keep`.",
    params: exportParamsSchema(ROW_KINDS, {
      observationAs: {
        enum: ["observation", "human"],
        description:
          'trajectory: observations as observation turns ("observation", the default) or as human turns "Observation: …" ("human")',
      },
    }),
    inputs: EXPORT_INPUTS,
    outputs: {},
    columns: (p) => exportColumns("sharegpt", p, SHAREGPT_OPTION_RULES, fields(p)),
  };

  protected readonly format = "sharegpt";
  protected readonly rules: OptionRules = SHAREGPT_OPTION_RULES;

  protected fields(p: ShareGptExportParams): string[] {
    return fields(p);
  }

  protected fromExample(example: Example, p: ShareGptExportParams): object {
    return shareGptFromExample(example, p);
  }
}
