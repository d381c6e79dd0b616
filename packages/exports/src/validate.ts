import { createAjv, type JSONSchema } from "@dataflow/core";
import { ExportError } from "./export-error.js";
import { checkOpenAIChatRecord, OPENAI_CHAT_SCHEMA } from "./openai-chat-schema.js";
import { checkReaRagRecord, REARAG_SCHEMA } from "./rearag-schema.js";
import { checkShareGptRecord, SHAREGPT_SCHEMA } from "./sharegpt-schema.js";
import { checkTrlRecord, TRL_SCHEMA } from "./trl-schema.js";

export type ExportFormat = "openai-chat" | "sharegpt" | "trl" | "rearag";

export const EXPORT_FORMATS: readonly ExportFormat[] = ["openai-chat", "sharegpt", "trl", "rearag"];

/** Each format's JSON Schema (draft 2020-12); also committed as schemas/<format>.schema.json. */
export const EXPORT_SCHEMAS: Readonly<Record<ExportFormat, JSONSchema>> = {
  "openai-chat": OPENAI_CHAT_SCHEMA,
  sharegpt: SHAREGPT_SCHEMA,
  trl: TRL_SCHEMA,
  rearag: REARAG_SCHEMA,
};

// Rules a JSON Schema cannot state (ordering, references between messages), run after it passes.
const POST_CHECKS: Record<ExportFormat, (record: never) => string[]> = {
  "openai-chat": checkOpenAIChatRecord,
  sharegpt: checkShareGptRecord,
  trl: checkTrlRecord,
  rearag: checkReaRagRecord,
};

export interface ExportValidation {
  valid: boolean;
  /** Each problem as `/json/pointer message`; empty when valid. */
  errors: string[];
}

type Ajv = ReturnType<typeof createAjv>;
type Validator = ReturnType<Ajv["compile"]>;
// Made on first use: loading ajv's compiler costs start-up time that `dataflow validate` never needs.
let ajv: Ajv | undefined;
type AjvError = NonNullable<Validator["errors"]>[number];
const validators = new Map<ExportFormat, Validator>();

function validator(format: ExportFormat): Validator {
  let v = validators.get(format);
  if (!v) {
    const schema = EXPORT_SCHEMAS[format];
    if (!schema)
      throw new Error(`unknown export format "${format}"; use one of ${EXPORT_FORMATS.join(", ")}`);
    ajv ??= createAjv();
    v = ajv.compile(schema);
    validators.set(format, v);
  }
  return v;
}

function describeAjvError(e: AjvError): string {
  const params = e.params as Record<string, unknown>;
  let detail = "";
  if (e.keyword === "enum")
    detail = ` (${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")})`;
  else if (e.keyword === "const") detail = ` (${JSON.stringify(params.allowedValue)})`;
  else if (e.keyword === "additionalProperties") detail = ` ("${String(params.additionalProperty)}")`;
  else if (e.keyword === "contains") {
    const wanted = (e.parentSchema as { contains?: { description?: string } } | undefined)?.contains
      ?.description;
    if (wanted) detail = `: ${wanted}`;
  }
  return `${e.instancePath || "/"} ${e.message}${detail}`;
}

/**
 * Check a record against its format: the JSON Schema first, then the rules a schema cannot state
 * (ShareGPT's turn alternation, OpenAI's tool-call references, ReaRAG's cleaning rules).
 */
export function validateExport(format: ExportFormat, record: unknown): ExportValidation {
  const validate = validator(format);
  if (!validate(record)) {
    // An if/then failure repeats what its `then` branch already said; the items a `contains` tried are not the problem.
    const errors = (validate.errors ?? [])
      .filter((e) => e.keyword !== "if" && !e.schemaPath.includes("/contains/"))
      .map(describeAjvError);
    return { valid: false, errors: [...new Set(errors)] };
  }
  const errors = POST_CHECKS[format](record as never);
  return { valid: errors.length === 0, errors };
}

/** Throw ExportError("invalid-record") with the validator's errors, the record as `raw`, when it is not valid. */
export function assertValidExport(format: ExportFormat, record: unknown): void {
  const { valid, errors } = validateExport(format, record);
  if (!valid) {
    throw new ExportError("invalid-record", errors, {
      prefix: `the ${format} record does not match its format: `,
      raw: JSON.stringify(record),
    });
  }
}
