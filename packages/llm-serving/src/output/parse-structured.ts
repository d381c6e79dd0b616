import type { JSONSchema } from "@dataflow/core";
import { createAjv, LLMError } from "@dataflow/core";
import type { Ajv2020, ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { jsonCandidates, noJson } from "./extract-json.js";
import { splitReasoning } from "./split-reasoning.js";

const MAX_LISTED_ERRORS = 8;

let ajv: Ajv2020 | undefined;
// Compiled once per schema object: a serving validates thousands of rows against the same schema.
const validators = new WeakMap<object, ValidateFunction>();

/**
 * The JSON answer of a model, validated against `schema`: reasoning is split
 * off, JSON is taken from the whole answer, a fence or chatty text, and the
 * first candidate that validates wins (so a stray "[1]" in prose before the
 * object does not shadow it). Defaults in the schema are filled in.
 *
 * Throws LLMError("bad-output") with the full text in `raw` when there is no
 * JSON or none matches; the message lists the schema errors of the first candidate.
 */
export function parseStructured<T = unknown>(text: string, schema: JSONSchema): T {
  const validate = validatorFor(schema);
  const { answer, reasoning } = splitReasoning(text);
  if (!answer.trim() && reasoning) {
    throw new LLMError("bad-output", "the model output has no answer after its reasoning", { raw: text });
  }

  let firstErrors: ErrorObject[] | undefined;
  for (const candidate of jsonCandidates(answer)) {
    if (validate(candidate.value)) return candidate.value as T;
    firstErrors ??= validate.errors ?? [];
  }
  if (firstErrors === undefined) throw noJson(text);
  throw new LLMError(
    "bad-output",
    `the model output does not match the schema: ${formatErrors(firstErrors)}`,
    {
      raw: text,
    },
  );
}

function validatorFor(schema: JSONSchema): ValidateFunction {
  const cached = validators.get(schema);
  if (cached) return cached;
  const compiler = sharedAjv();
  let validate: ValidateFunction;
  try {
    validate = compiler.compile(schema);
  } catch (err) {
    // Another schema object with the same $id was compiled before: replace it.
    if (typeof schema.$id !== "string" || !compiler.getSchema(schema.$id)) {
      throw new Error(`invalid JSON Schema for structured output: ${(err as Error).message}`, { cause: err });
    }
    compiler.removeSchema(schema.$id);
    validate = compiler.compile(schema);
  }
  validators.set(schema, validate);
  return validate;
}

function sharedAjv(): Ajv2020 {
  ajv ??= createAjv();
  return ajv;
}

function formatErrors(errors: ErrorObject[]): string {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map((e) => {
    const where = e.instancePath || "/";
    const extra =
      typeof e.params.additionalProperty === "string"
        ? ` (${JSON.stringify(e.params.additionalProperty)})`
        : "";
    return `${where} ${e.message ?? e.keyword}${extra}`;
  });
  const more = errors.length - listed.length;
  return listed.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
