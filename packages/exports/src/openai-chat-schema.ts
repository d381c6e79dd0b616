import type { JSONSchema } from "@dataflow/core";
import { messageList, messagesRecord, roleMessage, TEXT } from "./message-schemas.js";

const NAME: JSONSchema = { type: "string", pattern: "^[a-zA-Z0-9_-]{1,64}$" };

const ROLE_SCHEMAS: Record<string, JSONSchema> = {
  system: {
    required: ["role", "content"],
    additionalProperties: false,
    properties: { role: { const: "system" }, content: TEXT, name: { type: "string" } },
  },
  user: {
    required: ["role", "content"],
    additionalProperties: false,
    properties: { role: { const: "user" }, content: TEXT, name: { type: "string" } },
  },
  assistant: {
    required: ["role"],
    additionalProperties: false,
    properties: {
      role: { const: "assistant" },
      content: { type: ["string", "null"] },
      name: { type: "string" },
      tool_calls: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          required: ["id", "type", "function"],
          additionalProperties: false,
          properties: {
            id: TEXT,
            type: { const: "function" },
            function: {
              type: "object",
              required: ["name", "arguments"],
              additionalProperties: false,
              properties: {
                name: NAME,
                arguments: { type: "string", description: "The arguments as a JSON-encoded object" },
              },
            },
          },
        },
      },
      weight: {
        enum: [0, 1],
        description: "1: the message is trained on; 0: it is context only",
      },
    },
    // A turn says something: text, a tool call, or both.
    anyOf: [{ required: ["content"], properties: { content: TEXT } }, { required: ["tool_calls"] }],
  },
  tool: {
    required: ["role", "tool_call_id", "content"],
    additionalProperties: false,
    properties: { role: { const: "tool" }, tool_call_id: TEXT, content: { type: "string" } },
  },
};

/** An assistant message without weight 0: a message the fine-tune learns. */
const TRAINED_ASSISTANT: JSONSchema = {
  description: "an assistant message without weight 0, for the fine-tune to learn",
  type: "object",
  required: ["role"],
  properties: { role: { const: "assistant" } },
  not: { required: ["weight"], properties: { weight: { const: 0 } } },
};

/**
 * One line of an OpenAI chat fine-tuning file: `messages` with system, user, assistant and tool
 * roles; `weight` (0 or 1) only on assistant messages; tool calls as `{id, type: "function",
 * function: {name, arguments}}` with JSON-encoded string arguments, answered by `tool` messages
 * naming the `tool_call_id`; the functions in `tools`. At least one assistant message is trained.
 */
export const OPENAI_CHAT_SCHEMA: JSONSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://dataflow.local/schemas/exports/openai-chat.schema.json",
  title: "OpenAI chat fine-tuning example",
  description:
    "One line of an OpenAI chat fine-tuning JSONL file. The fine-tune learns assistant messages; weight 0 marks an assistant message as context only.",
  type: "object",
  ...messagesRecord(messageList(roleMessage(ROLE_SCHEMAS), { contains: TRAINED_ASSISTANT }), {
    tools: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["type", "function"],
        additionalProperties: false,
        properties: {
          type: { const: "function" },
          function: {
            type: "object",
            required: ["name"],
            additionalProperties: false,
            properties: {
              name: NAME,
              description: { type: "string" },
              parameters: { type: "object" },
              strict: { type: "boolean" },
            },
          },
        },
      },
    },
    parallel_tool_calls: { type: "boolean" },
  }),
};

interface ToolCall {
  id: string;
  function: { name: string; arguments: string };
}

interface Message {
  role: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

/**
 * What the schema cannot say, checked on a record that matches it: each tool message answers an
 * earlier call by its id, once; call ids are unique; arguments decode to a JSON object; calls name
 * functions defined in `tools` when it is given; the last message is the assistant's.
 */
export function checkOpenAIChatRecord(record: {
  messages: Message[];
  tools?: { function: { name: string } }[];
}): string[] {
  const problems: string[] = [];
  const calls = new Map<string, boolean>();
  const defined = record.tools ? new Set(record.tools.map((t) => t.function.name)) : undefined;
  record.messages.forEach((m, i) => {
    const where = `/messages/${i}`;
    for (const call of m.tool_calls ?? []) {
      if (calls.has(call.id)) problems.push(`${where}: tool call id "${call.id}" is used twice`);
      calls.set(call.id, false);
      let args: unknown;
      try {
        args = JSON.parse(call.function.arguments);
      } catch {
        args = undefined;
      }
      if (typeof args !== "object" || args === null || Array.isArray(args)) {
        problems.push(`${where}: the arguments of tool call "${call.id}" are not a JSON-encoded object`);
      }
      if (defined && !defined.has(call.function.name)) {
        problems.push(
          `${where}: tool call "${call.id}" calls "${call.function.name}", which tools does not define`,
        );
      }
    }
    if (m.role === "tool") {
      const id = m.tool_call_id as string;
      if (!calls.has(id))
        problems.push(`${where}: tool message answers "${id}", which no earlier assistant message called`);
      else if (calls.get(id)) problems.push(`${where}: tool call "${id}" is answered twice`);
      else calls.set(id, true);
    }
  });
  const last = record.messages[record.messages.length - 1];
  if (last && last.role !== "assistant") {
    problems.push(
      `/messages/${record.messages.length - 1}: the last message is "${last.role}"; an example ends with the assistant's turn`,
    );
  }
  return problems;
}
