import type { JSONSchema } from "../contracts/json-schema.js";
import type { OperatorClass } from "../contracts/operator.js";

const columnName: JSONSchema = { type: "string", minLength: 1, description: "A column name" };
const positiveInt: JSONSchema = { type: "integer", minimum: 1 };

const portBindings = (what: string): JSONSchema => ({
  type: "object",
  description: `${what} port → column. Unbound ports use the operator's default column.`,
  additionalProperties: columnName,
});

/**
 * The schema of one step. With `operators`, each one's params schema applies where `op` names it
 * (`if {op: const} then {params: <schema>}`), so an editor checks params; an unknown `op` matches
 * no branch and is left to the compiler, which suggests the nearest names.
 */
export function stepSchema(operators?: readonly OperatorClass[]): JSONSchema {
  const names = operators?.map((cls) => cls.spec.name);
  return {
    type: "object",
    additionalProperties: false,
    required: ["id", "op"],
    properties: {
      id: {
        type: "string",
        pattern: "^[a-z][a-z0-9_-]*$",
        description: "Unique step id (lowercase letters, digits, - and _)",
      },
      op: {
        type: "string",
        minLength: 1,
        description: "Operator name, e.g. core/template",
        ...(names?.length ? { examples: names } : {}),
      },
      description: { type: "string" },
      serving: { type: "string", minLength: 1, description: "Name of an entry in `servings`" },
      retriever: { type: "string", minLength: 1, description: "Name of an entry in `retrievers`" },
      inputs: portBindings("Input"),
      outputs: portBindings("Output"),
      params: { type: "object", description: "Operator params, validated by the operator's schema" },
      concurrency: { ...positiveInt, description: "Rows in flight in this step" },
    },
    ...(operators?.length ? { allOf: operators.map(paramsBranch) } : {}),
  };
}

function paramsBranch(cls: OperatorClass): JSONSchema {
  const { name, description, params } = cls.spec;
  return {
    if: { properties: { op: { const: name } }, required: ["op"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
    then: { properties: { params: { ...params, description: `${name} params: ${description}` } } },
  };
}

export { columnName, positiveInt };
