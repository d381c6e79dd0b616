import type { JSONSchema } from "@dataflow/core";

/** JSON Schema's conditional, `{if, then, else?}`, as a value: `then` is a keyword here, not a thenable. */
export function when(condition: JSONSchema, then: JSONSchema, otherwise?: JSONSchema): JSONSchema {
  return {
    if: condition,
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
    then: then,
    ...(otherwise ? { else: otherwise } : {}),
  };
}
