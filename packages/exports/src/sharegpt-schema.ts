import type { JSONSchema } from "@dataflow/core";
import { when } from "./schema-when.js";

/** Turn tags LLaMA-Factory reads by default (its `tags` in dataset_info.json). */
export const SHAREGPT_PROMPT_TAGS = ["human", "observation"] as const;
export const SHAREGPT_TRAINED_TAGS = ["gpt", "function_call"] as const;

/**
 * One ShareGPT example as LLaMA-Factory loads it (`formatting: sharegpt`): `conversations` of
 * `{from, value}` turns, optional `system` and `tools` strings. LLaMA-Factory trains on gpt and
 * function_call turns and masks human and observation turns; the alternation it requires (prompt
 * tags at odd positions, trained tags at even ones, an even count) is checked by checkShareGptRecord.
 */
export const SHAREGPT_SCHEMA: JSONSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://dataflow.local/schemas/exports/sharegpt.schema.json",
  title: "ShareGPT example (LLaMA-Factory)",
  description:
    "One example of a LLaMA-Factory sharegpt dataset. human/observation turns sit at odd positions (1st, 3rd, …) and are masked; gpt/function_call turns sit at even positions and are trained; the count is even.",
  type: "object",
  required: ["conversations"],
  additionalProperties: false,
  properties: {
    conversations: {
      type: "array",
      minItems: 2,
      items: {
        type: "object",
        required: ["from", "value"],
        additionalProperties: false,
        properties: {
          from: { enum: [...SHAREGPT_PROMPT_TAGS, ...SHAREGPT_TRAINED_TAGS] },
          value: { type: "string" },
        },
        // An observation may be empty (a search that found nothing); every other turn needs text.
        ...when(
          { required: ["from"], properties: { from: { not: { const: "observation" } } } },
          { properties: { value: { minLength: 1 } } },
        ),
      },
    },
    system: { type: "string", minLength: 1 },
    tools: { type: "string", description: "The tools' descriptions, JSON-encoded" },
  },
};

/** LLaMA-Factory's alternation rule, which a JSON Schema cannot state: checked on a record that matches the schema. */
export function checkShareGptRecord(record: { conversations: { from: string }[] }): string[] {
  const problems: string[] = [];
  record.conversations.forEach((turn, i) => {
    const odd = i % 2 === 0; // 1st, 3rd, … turn
    const allowed: readonly string[] = odd ? SHAREGPT_PROMPT_TAGS : SHAREGPT_TRAINED_TAGS;
    if (!allowed.includes(turn.from)) {
      problems.push(
        `/conversations/${i}: turn ${i + 1} is "${turn.from}", but ${odd ? "odd" : "even"} turns must be ${allowed.map((t) => `"${t}"`).join(" or ")} (LLaMA-Factory skips the example otherwise)`,
      );
    }
  });
  if (record.conversations.length % 2 !== 0) {
    problems.push(
      `${record.conversations.length} turns: LLaMA-Factory needs an even number (every human/observation turn answered by a gpt/function_call turn)`,
    );
  }
  return problems;
}
