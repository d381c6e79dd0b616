import type { JSONSchema } from "@dataflow/core";
import { messageList, messagesRecord } from "./message-schemas.js";
import { when } from "./schema-when.js";

const message = (roles: string[]): JSONSchema => ({
  type: "object",
  required: ["role", "content"],
  additionalProperties: false,
  properties: { role: { enum: roles }, content: { type: "string" } },
  // A tool result may be empty (a search that found nothing); every other turn needs text.
  ...when(
    { required: ["role"], properties: { role: { not: { const: "tool" } } } },
    { properties: { content: { minLength: 1 } } },
  ),
});

const FIRST = message(["system", "user"]);
const LATER = message(["user", "assistant", "tool"]);

/**
 * One TRL SFT example in a conversational layout: `messages` (language modeling; with
 * `assistant_only_loss=True` TRL trains the assistant turns) or `prompt` + `completion` (TRL's
 * completion-only loss trains the completion). Every message is exactly `{role, content}`, so a
 * Hugging Face `datasets` JSON load gives one Arrow type for the whole file; a system message may
 * only come first.
 */
export const TRL_SCHEMA: JSONSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://dataflow.local/schemas/exports/trl.schema.json",
  title: "TRL SFT example (conversational)",
  description:
    "One example of a TRL SFTTrainer dataset: conversational language modeling ({messages}) or conversational prompt-completion ({prompt, completion}).",
  type: "object",
  ...when(
    { required: ["messages"] },
    messagesRecord(
      messageList(LATER, {
        prefixItems: [FIRST],
        contains: {
          description: "an assistant message, for the trainer to learn",
          type: "object",
          required: ["role"],
          properties: { role: { const: "assistant" } },
        },
      }),
    ),
    {
      required: ["prompt", "completion"],
      additionalProperties: false,
      properties: {
        prompt: { type: "array", minItems: 1, prefixItems: [FIRST], items: LATER },
        completion: { type: "array", minItems: 1, items: message(["assistant"]) },
      },
    },
  ),
};

/** What the schema cannot say: a language-modeling conversation ends with the assistant's turn. */
export function checkTrlRecord(record: { messages?: { role: string }[] }): string[] {
  const messages = record.messages;
  const last = messages?.[messages.length - 1];
  if (!messages || !last || last.role === "assistant") return [];
  return [
    `/messages/${messages.length - 1}: the last message is "${last.role}"; an example ends with the assistant's turn`,
  ];
}
