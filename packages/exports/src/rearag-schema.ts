import type { JSONSchema } from "@dataflow/core";
import { messageList, messagesRecord, roleMessage, TEXT } from "./message-schemas.js";
import { parseReaRagTrajectory, TrajectoryError } from "./rearag/rearag-trajectory.js";

const ROLE_SCHEMAS: Record<string, JSONSchema> = {
  system: {
    required: ["role", "content"],
    additionalProperties: false,
    properties: { role: { const: "system" }, content: TEXT },
  },
  user: {
    required: ["role", "content"],
    additionalProperties: false,
    properties: { role: { const: "user" }, content: TEXT },
  },
  assistant: {
    required: ["role", "reasoning"],
    additionalProperties: false,
    properties: {
      role: { const: "assistant" },
      reasoning: { ...TEXT, description: "Thought N: …\\nAction N: \\n```\\n{'function': …}\\n```" },
    },
  },
  observation: {
    required: ["role", "content"],
    additionalProperties: false,
    properties: { role: { const: "observation" }, content: { type: "string" } },
  },
};

/**
 * One ReaRAG-20k row: `{messages}` with the user's question, assistant steps carrying
 * `reasoning` (Thought N + a fenced action dict), and `observation`s after searches. ReaRAG's
 * training loss covers the `reasoning` messages only. The ordering rules of ReaRAG's cleaning
 * script are checked by checkReaRagRecord.
 */
export const REARAG_SCHEMA: JSONSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://dataflow.local/schemas/exports/rearag.schema.json",
  title: "ReaRAG-20k row",
  description:
    "One ReaRAG-20k training row. Loss applies to assistant messages (their reasoning); user and observation messages are masked.",
  type: "object",
  ...messagesRecord(messageList(roleMessage(ROLE_SCHEMAS))),
};

/** ReaRAG's cleaning rules, on a record that matches the schema (a leading system message is allowed). */
export function checkReaRagRecord(record: { messages: unknown[] }): string[] {
  try {
    parseReaRagTrajectory(record.messages, { allowSystem: true });
    return [];
  } catch (err) {
    if (err instanceof TrajectoryError) return [...err.problems];
    throw err;
  }
}
