import { type ExportFormatDefinition, exportRow } from "./export-format.js";
import { type CommonExportOptions, observationAsUserText, trajectoryUserText } from "./export-options.js";
import type { Example } from "./row-kinds.js";

export type ShareGptObservationAs = "observation" | "human";

export interface ShareGptOptions extends CommonExportOptions {
  /**
   * trajectory only. "observation" (default): observations are `observation` turns, which every
   * LLaMA-Factory template renders in the model's own tool-result slot. "human": `human` turns
   * reading "Observation: …", for templates without one.
   */
  observationAs?: ShareGptObservationAs;
}

export interface ShareGptTurn {
  from: "human" | "gpt" | "observation" | "function_call";
  value: string;
}

export interface ShareGptRecord {
  conversations: ShareGptTurn[];
  system?: string;
}

/** Build the record of an Example (not yet validated). */
export function shareGptFromExample(example: Example, options: ShareGptOptions): ShareGptRecord {
  const conversations: ShareGptTurn[] = [];
  if (example.kind === "single") {
    conversations.push({ from: "human", value: example.prompt }, { from: "gpt", value: example.target });
  } else {
    conversations.push({ from: "human", value: trajectoryUserText(example.trajectory, options.userContent) });
    for (const step of example.trajectory.steps) {
      conversations.push({ from: "gpt", value: step.reasoning });
      if (step.observation === undefined) continue;
      conversations.push(
        options.observationAs === "human"
          ? { from: "human", value: observationAsUserText(step.observation) }
          : { from: "observation", value: step.observation },
      );
    }
  }
  return options.system ? { conversations, system: options.system } : { conversations };
}

export const SHAREGPT_FORMAT: ExportFormatDefinition<ShareGptOptions, ShareGptRecord> = {
  format: "sharegpt",
  rules: { trajectoryOnly: ["observationAs"], values: { observationAs: ["observation", "human"] } },
  fields: (o) => (o.system ? ["conversations", "system"] : ["conversations"]),
  fromExample: shareGptFromExample,
};

/**
 * Export one row (default column names) as a LLaMA-Factory ShareGPT example, validated against
 * SHAREGPT_SCHEMA and the turn alternation. Throws ExportError naming what is wrong.
 */
export function toShareGpt(row: Record<string, unknown>, options: ShareGptOptions): ShareGptRecord {
  return exportRow(SHAREGPT_FORMAT, row, options);
}
