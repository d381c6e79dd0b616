import type { JSONSchema } from "../contracts/json-schema.js";

/** What the schema needs of a registered serving or retriever kind. */
export interface KindSchemaSource {
  readonly type: string;
  readonly description: string;
  readonly options: JSONSchema;
  readonly default?: boolean;
}

/**
 * The schema of one block under `servings:` or `retrievers:`: `type` names a registered kind
 * (the default kind's when absent), and an `if {type: const} then <kind's schema>` per kind checks
 * the rest. An unknown type fails only the `type` enum, so it is reported once, with the names.
 * `common` are options every kind of this section takes (a retriever's `serving`).
 */
export function kindBlockSchema(
  description: string,
  kinds: readonly KindSchemaSource[],
  common: Record<string, JSONSchema> = {},
): JSONSchema {
  const fallback = kinds.find((k) => k.default);
  const type: JSONSchema = {
    ...(kinds.length ? { enum: kinds.map((k) => k.type) } : { type: "string", minLength: 1 }),
    ...(fallback ? { default: fallback.type } : {}),
    description: kinds.map((k) => `${k.type}: ${k.description}`).join("; ") || "no kinds are registered",
  };
  return {
    type: "object",
    description,
    ...(fallback ? {} : { required: ["type"] }),
    properties: { type },
    ...(kinds.length ? { allOf: kinds.map((k) => kindBranch(k, k === fallback, common)) } : {}),
  };
}

function kindBranch(
  kind: KindSchemaSource,
  isDefault: boolean,
  common: Record<string, JSONSchema>,
): JSONSchema {
  return {
    // The default kind's branch also applies when `type` is left out.
    if: { properties: { type: { const: kind.type } }, ...(isDefault ? {} : { required: ["type"] }) },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
    then: {
      ...kind.options,
      type: "object",
      properties: { type: { const: kind.type }, ...common, ...kind.options.properties },
    },
  };
}
