import { ExportError } from "./export-error.js";
import {
  type CommonExportOptions,
  checkExportOptions,
  type OptionRules,
  trajectoryUserText,
} from "./export-options.js";
import { type Example, plainRowSource, readExample } from "./row-kinds.js";
import { assertValidExport } from "./validate.js";

export interface ReaRagOptions extends CommonExportOptions {
  from: "trajectory";
  /** Most assistant steps (default 25, ReaRAG's construction bound). */
  maxSteps?: number;
}

export type ReaRagMessage =
  | { role: "system" | "user" | "observation"; content: string }
  | { role: "assistant"; reasoning: string };

export interface ReaRagRecord {
  messages: ReaRagMessage[];
}

export const REARAG_DEFAULT_MAX_STEPS = 25;

export const REARAG_OPTION_RULES: OptionRules = {
  trajectoryOnly: [],
  check: (o) =>
    o.from === "trajectory"
      ? []
      : [`the ReaRAG format holds trajectories only (from: trajectory), not from: ${String(o.from)}`],
};

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

/**
 * Export one trajectory row (default column names) as a ReaRAG-20k row, checked against
 * REARAG_SCHEMA and ReaRAG's cleaning rules. Throws ExportError naming what is wrong.
 */
export function toReaRag(row: Record<string, unknown>, options: ReaRagOptions): ReaRagRecord {
  checkExportOptions("rearag", options, REARAG_OPTION_RULES);
  const record = reaRagFromExample(readExample(plainRowSource(row), options), options);
  assertValidExport("rearag", record);
  return record;
}
