import { ExportError } from "./export-error.js";
import { type ExportFormatDefinition, exportRow } from "./export-format.js";
import { type CommonExportOptions, trajectoryUserText } from "./export-options.js";
import type { ReaRagMessage } from "./rearag/rearag-types.js";
import type { Example } from "./row-kinds.js";

export interface ReaRagOptions extends CommonExportOptions {
  from: "trajectory";
  /** Most assistant steps (default 25, ReaRAG's construction bound). */
  maxSteps?: number;
}

export interface ReaRagRecord {
  messages: ReaRagMessage[];
}

export const REARAG_DEFAULT_MAX_STEPS = 25;

/** Build the record of an Example (not yet validated); only the fields ReaRAG-20k stores are kept. */
export function reaRagFromExample(example: Example, options: ReaRagOptions): ReaRagRecord {
  if (example.kind !== "trajectory") throw new Error("the ReaRAG format holds trajectories only");
  const { trajectory } = example;
  const maxSteps = options.maxSteps ?? REARAG_DEFAULT_MAX_STEPS;
  if (trajectory.steps.length > maxSteps) {
    throw new ExportError("bad-input", [
      `the trajectory has ${trajectory.steps.length} steps, more than maxSteps (${maxSteps})`,
    ]);
  }
  const messages: ReaRagMessage[] = options.system ? [{ role: "system", content: options.system }] : [];
  messages.push({ role: "user", content: trajectoryUserText(trajectory, options.userContent) });
  for (const step of trajectory.steps) {
    messages.push({ role: "assistant", reasoning: step.reasoning });
    if (step.observation !== undefined) messages.push({ role: "observation", content: step.observation });
  }
  return { messages };
}

export const REARAG_FORMAT: ExportFormatDefinition<ReaRagOptions, ReaRagRecord> = {
  format: "rearag",
  rules: {
    trajectoryOnly: [],
    check: (o) =>
      o.from === "trajectory"
        ? []
        : [`the ReaRAG format holds trajectories only (from: trajectory), not from: ${String(o.from)}`],
  },
  fields: () => ["messages"],
  fromExample: reaRagFromExample,
};

/**
 * Export one trajectory row (default column names) as a ReaRAG-20k row, checked against
 * REARAG_SCHEMA and ReaRAG's cleaning rules. Throws ExportError naming what is wrong.
 */
export function toReaRag(row: Record<string, unknown>, options: ReaRagOptions): ReaRagRecord {
  return exportRow(REARAG_FORMAT, row, options);
}
