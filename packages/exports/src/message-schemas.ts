import type { JSONSchema } from "@dataflow/core";
import { when } from "./schema-when.js";

/** A string with text in it. */
export const TEXT: JSONSchema = { type: "string", minLength: 1 };

/** A message checked by the schema of its `role`, which must be one of `roles`' keys. */
export function roleMessage(roles: Record<string, JSONSchema>): JSONSchema {
  return {
    type: "object",
    required: ["role"],
    properties: { role: { enum: Object.keys(roles) } },
    allOf: Object.entries(roles).map(([role, schema]) =>
      when({ required: ["role"], properties: { role: { const: role } } }, schema),
    ),
  };
}

/** A conversation: at least two messages, the first ones `prefixItems` when given. */
export function messageList(
  items: JSONSchema,
  more: { prefixItems?: JSONSchema[]; contains?: JSONSchema } = {},
): JSONSchema {
  return {
    type: "array",
    minItems: 2,
    ...(more.prefixItems ? { prefixItems: more.prefixItems } : {}),
    items,
    ...(more.contains ? { contains: more.contains } : {}),
  };
}

/** A record holding `messages` and nothing but `others`. */
export function messagesRecord(messages: JSONSchema, others: Record<string, JSONSchema> = {}): JSONSchema {
  return { required: ["messages"], additionalProperties: false, properties: { messages, ...others } };
}
