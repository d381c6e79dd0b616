import { type ExportFormatDefinition, exportRow } from "./export-format.js";
import { type CommonExportOptions, observationAsUserText, trajectoryUserText } from "./export-options.js";
import type { ReaRagStep } from "./rearag/rearag-types.js";
import type { Example } from "./row-kinds.js";

export type OpenAIChatObservationAs = "user" | "tool";

export interface OpenAIChatOptions extends CommonExportOptions {
  /**
   * trajectory only. "user" (default): each step is an assistant message holding the ReaRAG text
   * verbatim, each observation a user message "Observation: …". "tool": each step is an assistant
   * message with the thought as content and a search/finish tool call, each observation a tool message.
   */
  observationAs?: OpenAIChatObservationAs;
}

export interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type OpenAIChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: OpenAIToolCall[]; weight: 0 | 1 }
  | { role: "tool"; tool_call_id: string; content: string };

export interface OpenAITool {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface OpenAIChatRecord {
  messages: OpenAIChatMessage[];
  tools?: OpenAITool[];
}

/** The two ReaRAG functions as OpenAI tools, for `observationAs: "tool"`. */
export const REARAG_TOOLS: readonly OpenAITool[] = [
  {
    type: "function",
    function: {
      name: "search",
      description: "Search the knowledge source for information on a query; returns what was found.",
      parameters: {
        type: "object",
        properties: { query: { type: "string", description: "What to look up" } },
        required: ["query"],
        additionalProperties: false,
      },
    },
  },
  {
    type: "function",
    function: {
      name: "finish",
      description: "Give the final answer and stop searching.",
      parameters: {
        type: "object",
        properties: { answer: { type: "string", description: "The final answer" } },
        required: ["answer"],
        additionalProperties: false,
      },
    },
  },
];

/** A call id unique within the example and the same on every run. */
function callId(step: ReaRagStep): string {
  return `call_${step.number}`;
}

function toolStep(step: ReaRagStep): OpenAIChatMessage[] {
  const id = callId(step);
  const args = step.action.type === "search" ? { query: step.action.query } : { answer: step.action.answer };
  const call: OpenAIToolCall = {
    id,
    type: "function",
    function: { name: step.action.type, arguments: JSON.stringify(args) },
  };
  const assistant: OpenAIChatMessage = {
    role: "assistant",
    content: step.thought || null,
    tool_calls: [call],
    weight: 1,
  };
  if (step.observation === undefined) return [assistant];
  return [assistant, { role: "tool", tool_call_id: id, content: step.observation }];
}

/** Build the record of an Example (not yet validated). */
export function openAIChatFromExample(example: Example, options: OpenAIChatOptions): OpenAIChatRecord {
  const messages: OpenAIChatMessage[] = options.system ? [{ role: "system", content: options.system }] : [];
  if (example.kind === "single") {
    messages.push(
      { role: "user", content: example.prompt },
      { role: "assistant", content: example.target, weight: 1 },
    );
    return { messages };
  }
  const { trajectory } = example;
  messages.push({ role: "user", content: trajectoryUserText(trajectory, options.userContent) });
  if (options.observationAs === "tool") {
    for (const step of trajectory.steps) messages.push(...toolStep(step));
    return { messages, tools: structuredClone([...REARAG_TOOLS]) };
  }
  for (const step of trajectory.steps) {
    messages.push({ role: "assistant", content: step.reasoning, weight: 1 });
    if (step.observation !== undefined)
      messages.push({ role: "user", content: observationAsUserText(step.observation) });
  }
  return { messages };
}

export const OPENAI_CHAT_FORMAT: ExportFormatDefinition<OpenAIChatOptions, OpenAIChatRecord> = {
  format: "openai-chat",
  rules: { trajectoryOnly: ["observationAs"], values: { observationAs: ["user", "tool"] } },
  fields: (o) =>
    o.from === "trajectory" && o.observationAs === "tool" ? ["messages", "tools"] : ["messages"],
  fromExample: openAIChatFromExample,
};

/**
 * Export one row (default column names) as an OpenAI chat fine-tuning example, validated against
 * OPENAI_CHAT_SCHEMA. Throws ExportError naming what is wrong.
 */
export function toOpenAIChat(row: Record<string, unknown>, options: OpenAIChatOptions): OpenAIChatRecord {
  return exportRow(OPENAI_CHAT_FORMAT, row, options);
}
