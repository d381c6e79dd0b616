import { type ExportFormatDefinition, exportRow } from "./export-format.js";
import { type CommonExportOptions, observationAsUserText, trajectoryUserText } from "./export-options.js";
import type { Example, RowKind } from "./row-kinds.js";

/** "auto": messages for trajectories, prompt-completion for single-target kinds. */
export type TrlLayout = "auto" | "messages" | "prompt-completion";

export type TrlObservationAs = "user" | "tool";

export interface TrlOptions extends CommonExportOptions {
  layout?: TrlLayout;
  /**
   * trajectory only. "user" (default): observations are user messages "Observation: …", which
   * every chat template renders. "tool": `tool` messages, for templates with a tool-result slot.
   */
  observationAs?: TrlObservationAs;
}

export interface TrlMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
}

export type TrlRecord = { messages: TrlMessage[] } | { prompt: TrlMessage[]; completion: TrlMessage[] };

/** The layout a row kind gets. */
export function trlLayoutFor(from: RowKind, layout: TrlLayout | undefined): "messages" | "prompt-completion" {
  if (layout === "messages" || layout === "prompt-completion") return layout;
  return from === "trajectory" ? "messages" : "prompt-completion";
}

/** Build the record of an Example (not yet validated). */
export function trlFromExample(example: Example, options: TrlOptions): TrlRecord {
  const system: TrlMessage[] = options.system ? [{ role: "system", content: options.system }] : [];
  if (example.kind === "single") {
    const prompt: TrlMessage[] = [...system, { role: "user", content: example.prompt }];
    const completion: TrlMessage[] = [{ role: "assistant", content: example.target }];
    return trlLayoutFor(options.from, options.layout) === "messages"
      ? { messages: [...prompt, ...completion] }
      : { prompt, completion };
  }
  const messages: TrlMessage[] = [
    ...system,
    { role: "user", content: trajectoryUserText(example.trajectory, options.userContent) },
  ];
  for (const step of example.trajectory.steps) {
    messages.push({ role: "assistant", content: step.reasoning });
    if (step.observation === undefined) continue;
    messages.push(
      options.observationAs === "tool"
        ? { role: "tool", content: step.observation }
        : { role: "user", content: observationAsUserText(step.observation) },
    );
  }
  return { messages };
}

export const TRL_FORMAT: ExportFormatDefinition<TrlOptions, TrlRecord> = {
  format: "trl",
  rules: {
    trajectoryOnly: ["observationAs"],
    values: { observationAs: ["user", "tool"], layout: ["auto", "messages", "prompt-completion"] },
    check: (o) =>
      o.from === "trajectory" && o.layout === "prompt-completion"
        ? [
            'layout "prompt-completion" cannot hold a trajectory: its observations would sit in the trained completion; use "messages" (or "auto") with assistant_only_loss=True',
          ]
        : [],
  },
  fields: (o) => (trlLayoutFor(o.from, o.layout) === "messages" ? ["messages"] : ["prompt", "completion"]),
  fromExample: trlFromExample,
};

/**
 * Export one row (default column names) as a TRL SFT example, validated against TRL_SCHEMA.
 * Throws ExportError naming what is wrong.
 */
export function toTrl(row: Record<string, unknown>, options: TrlOptions): TrlRecord {
  return exportRow(TRL_FORMAT, row, options);
}
