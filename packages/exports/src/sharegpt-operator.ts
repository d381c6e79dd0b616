import { ExportOperator, type ExportParams, exportOperatorSpec } from "./export-operator.js";
import { SHAREGPT_FORMAT, type ShareGptObservationAs } from "./sharegpt.js";

export interface ShareGptExportParams extends ExportParams {
  observationAs?: ShareGptObservationAs;
}

/** Rows → LLaMA-Factory ShareGPT examples, the loss mask given by the turn tags. */
export class ShareGptExportOperator extends ExportOperator<ShareGptExportParams> {
  static readonly spec = exportOperatorSpec<ShareGptExportParams>(SHAREGPT_FORMAT, {
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
    params: {
      observationAs: {
        enum: ["observation", "human"],
        description:
          'trajectory: observations as observation turns ("observation", the default) or as human turns "Observation: …" ("human")',
      },
    },
  });

  protected readonly definition = SHAREGPT_FORMAT;
}
