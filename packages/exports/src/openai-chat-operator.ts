import type { OperatorSpec } from "@dataflow/core";
import {
  EXPORT_INPUTS,
  ExportOperator,
  type ExportParams,
  exportColumns,
  exportParamsSchema,
} from "./export-operator.js";
import type { OptionRules } from "./export-options.js";
import {
  OPENAI_CHAT_OPTION_RULES,
  type OpenAIChatObservationAs,
  openAIChatFromExample,
} from "./openai-chat.js";
import { type Example, ROW_KINDS } from "./row-kinds.js";

export interface OpenAIChatExportParams extends ExportParams {
  observationAs?: OpenAIChatObservationAs;
}

const fields = (p: OpenAIChatExportParams) =>
  p.from === "trajectory" && p.observationAs === "tool" ? ["messages", "tools"] : ["messages"];

/** Rows → OpenAI chat fine-tuning examples, the loss mask as `weight` on assistant messages. */
export class OpenAIChatExportOperator extends ExportOperator<OpenAIChatExportParams> {
  static readonly spec: OperatorSpec<OpenAIChatExportParams> = {
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
    params: exportParamsSchema(ROW_KINDS, {
      observationAs: {
        enum: ["user", "tool"],
        description:
          'trajectory: observations as user messages "Observation: …" ("user", the default) or as tool messages answering tool calls ("tool")',
      },
    }),
    inputs: EXPORT_INPUTS,
    outputs: {},
    columns: (p) => exportColumns("openai-chat", p, OPENAI_CHAT_OPTION_RULES, fields(p)),
  };

  protected readonly format = "openai-chat";
  protected readonly rules: OptionRules = OPENAI_CHAT_OPTION_RULES;

  protected fields(p: OpenAIChatExportParams): string[] {
    return fields(p);
  }

  protected fromExample(example: Example, p: OpenAIChatExportParams): object {
    return openAIChatFromExample(example, p);
  }
}
