import { ExportOperator, type ExportParams, exportOperatorSpec } from "./export-operator.js";
import { OPENAI_CHAT_FORMAT, type OpenAIChatObservationAs } from "./openai-chat.js";

export interface OpenAIChatExportParams extends ExportParams {
  observationAs?: OpenAIChatObservationAs;
}

/** Rows → OpenAI chat fine-tuning examples, the loss mask as `weight` on assistant messages. */
export class OpenAIChatExportOperator extends ExportOperator<OpenAIChatExportParams> {
  static readonly spec = exportOperatorSpec<OpenAIChatExportParams>(OPENAI_CHAT_FORMAT, {
    name: "export/openai-chat",
    version: "1.0.0",
    description:
      "Turn each row into one line of an OpenAI chat fine-tuning file: {messages: [system?, user, assistant…], tools?}. " +
      "The fine-tune learns assistant messages, each marked weight 1. rare / noisy-context: user = the labelled-document " +
      "prompt, assistant = the reasoning and answer (or the refusal). trajectory: assistant steps carry the ReaRAG text " +
      'verbatim and observations become user messages "Observation: …" (observationAs: user), or assistant steps become ' +
      "thought + search/finish tool calls answered by tool messages, with a tools list (observationAs: tool). " +
      "Every record is checked against the format's JSON Schema; a row that fails is rejected with the errors. " +
      "The output row holds only the format's fields plus `keep`.",
    params: {
      observationAs: {
        enum: ["user", "tool"],
        description:
          'trajectory: observations as user messages "Observation: …" ("user", the default) or as tool messages answering tool calls ("tool")',
      },
    },
  });

  protected readonly definition = OPENAI_CHAT_FORMAT;
}
