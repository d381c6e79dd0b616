import { ExportOperator, type ExportParams, exportOperatorSpec } from "./export-operator.js";
import { TRL_FORMAT, type TrlLayout, type TrlObservationAs } from "./trl.js";

export interface TrlExportParams extends ExportParams {
  layout: TrlLayout;
  observationAs?: TrlObservationAs;
}

/** Rows → TRL SFTTrainer examples: prompt-completion (completion-only loss) or messages (assistant-only loss). */
export class TrlExportOperator extends ExportOperator<TrlExportParams> {
  static readonly spec = exportOperatorSpec<TrlExportParams>(TRL_FORMAT, {
    name: "export/trl",
    version: "1.0.0",
    description:
      "Turn each row into a TRL SFTTrainer example in a conversational layout. rare / noisy-context (layout auto): " +
      "{prompt: [system?, user], completion: [assistant]}, which TRL's completion-only loss masks to the completion. " +
      "trajectory: {messages: [system?, user, assistant, user|tool, …]}, trained with assistant_only_loss=True (the " +
      'chat template needs {% generation %} markers); observations are user messages "Observation: …" ' +
      "(observationAs: user) or tool messages (observationAs: tool). Every message is {role, content}. Every record " +
      "is checked against the JSON Schema; a row that fails is rejected with the errors. The output row holds only " +
      "the format's fields plus `keep`.",
    params: {
      layout: {
        enum: ["auto", "messages", "prompt-completion"],
        default: "auto",
        description:
          '"auto": messages for trajectories, prompt-completion otherwise; "messages" for single-target kinds trains with assistant_only_loss; trajectories cannot be prompt-completion',
      },
      observationAs: {
        enum: ["user", "tool"],
        description:
          'trajectory: observations as user messages "Observation: …" ("user", the default) or as tool messages ("tool")',
      },
    },
  });

  protected readonly definition = TRL_FORMAT;
}
