import type { ChatMessage, JSONSchema } from "@dataflow/core";

/**
 * The messages with an instruction to answer in JSON valid against `schema`,
 * for servers that refuse `response_format`. It joins the first system message
 * (or becomes one at the front): several chat templates reject a system
 * message anywhere else.
 */
export function withJsonInstruction(messages: readonly ChatMessage[], schema: JSONSchema): ChatMessage[] {
  const instruction =
    "Answer with a single JSON value, and nothing else, valid against this JSON Schema:\n" +
    JSON.stringify(schema);
  const [first, ...rest] = messages;
  if (first?.role === "system")
    return [{ role: "system", content: `${first.content}\n\n${instruction}` }, ...rest];
  return [{ role: "system", content: instruction }, ...messages];
}
