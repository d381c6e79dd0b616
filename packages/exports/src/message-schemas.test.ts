import { createAjv } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { messageList, messagesRecord, roleMessage, TEXT } from "./message-schemas.js";

const ajv = createAjv();
const ROLES = {
  user: { required: ["role", "content"], properties: { role: { const: "user" }, content: TEXT } },
  note: { required: ["role"], properties: { role: { const: "note" } } },
};

describe("message schemas", () => {
  it("checks each message by the schema of its role", () => {
    const valid = ajv.compile({ type: "object", ...messagesRecord(messageList(roleMessage(ROLES))) });
    expect(valid({ messages: [{ role: "user", content: "hi" }, { role: "note" }] })).toBe(true);
    // The user schema applies to user messages only, and unknown roles are refused.
    expect(valid({ messages: [{ role: "user", content: "" }, { role: "note" }] })).toBe(false);
    expect(valid({ messages: [{ role: "user", content: "hi" }, { role: "tool" }] })).toBe(false);
    // At least two messages, and nothing beside them.
    expect(valid({ messages: [{ role: "note" }] })).toBe(false);
    expect(valid({ messages: [{ role: "note" }, { role: "note" }], extra: 1 })).toBe(false);
  });

  it("writes the keywords in a fixed order, so the committed schema files stay stable", () => {
    expect(Object.keys(messageList(TEXT, { contains: TEXT, prefixItems: [TEXT] }))).toEqual([
      "type",
      "minItems",
      "prefixItems",
      "items",
      "contains",
    ]);
    expect(messagesRecord(TEXT, { tools: TEXT })).toEqual({
      required: ["messages"],
      additionalProperties: false,
      properties: { messages: TEXT, tools: TEXT },
    });
  });
});
