import type { JSONSchema } from "../contracts/json-schema.js";
import type { OperatorRegistry } from "../registry/registry.js";
import { kindBlockSchema } from "./kind-schema.js";
import { columnName, positiveInt, stepSchema } from "./step-schema.js";

export interface PipelineSchemaOptions {
  /**
   * Include each registered operator's params schema, keyed on `op` (default true: what editors
   * get). The compiler leaves it out: it checks params step by step, with the operator named.
   */
  operators?: boolean;
}

/**
 * The JSON Schema (draft 2020-12) of a pipeline YAML file, composed from what `registry` holds:
 * its serving and retriever kinds (each block checked against its kind's schema, on `type`), its
 * file formats, and its operators' params (on `op`).
 */
export function composePipelineSchema(
  registry: OperatorRegistry,
  options: PipelineSchemaOptions = {},
): JSONSchema {
  const operators = options.operators === false ? undefined : registry.list();
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://dataflow.local/schemas/pipeline.schema.json",
    title: "dataflow pipeline",
    type: "object",
    additionalProperties: false,
    required: ["name", "source", "steps"],
    properties: {
      $schema: { type: "string" },
      name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$" },
      description: { type: "string" },
      plugins: {
        type: "array",
        description:
          "Plugin packages (or paths relative to this file) that register operators, servings, retrievers or formats",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
      },
      source: sourceSchema(registry),
      output: outputSchema(registry),
      cache: {
        type: "object",
        additionalProperties: false,
        properties: { dir: { type: "string", minLength: 1, default: ".dataflow/cache" } },
      },
      servings: { type: "object", additionalProperties: servingSchema(registry) },
      retrievers: { type: "object", additionalProperties: retrieverSchema(registry) },
      run: runSchema,
      steps: { type: "array", minItems: 1, items: stepSchema(operators) },
    },
  };
}

function servingSchema(registry: OperatorRegistry): JSONSchema {
  return kindBlockSchema(
    "An LLM endpoint. API keys come only from the environment, never from this file.",
    registry.servingKinds.list(),
  );
}

function retrieverSchema(registry: OperatorRegistry): JSONSchema {
  return kindBlockSchema(
    "An index over a corpus of passages that steps search (`retriever: <name>`)",
    registry.retrieverKinds.list(),
    {
      serving: {
        type: "string",
        minLength: 1,
        description: "The serving (in `servings`) this retriever uses, for the types that use one",
      },
    },
  );
}

function formatSchema(registry: OperatorRegistry): JSONSchema {
  const formats = registry.fileFormats;
  return formats.size
    ? { enum: formats.names(), description: `Default: from the file extension: ${formats.describeAll()}` }
    : { type: "string", minLength: 1, description: "Default: from the file extension" };
}

function sourceSchema(registry: OperatorRegistry): JSONSchema {
  return {
    type: "object",
    additionalProperties: false,
    required: ["path"],
    properties: {
      ...registry.fileFormats.options("source"),
      path: { type: "string", minLength: 1, description: "Input file, relative to this file" },
      format: formatSchema(registry),
      idColumn: {
        ...columnName,
        description: "Column holding a stable row id (default: line/record number)",
      },
      columns: {
        type: "array",
        items: columnName,
        uniqueItems: true,
        description: "Columns of the source; when absent they are sampled from the first rows",
      },
    },
  };
}

function outputSchema(registry: OperatorRegistry): JSONSchema {
  return {
    type: "object",
    additionalProperties: false,
    required: ["path"],
    properties: {
      ...registry.fileFormats.options("output"),
      path: { type: "string", minLength: 1, description: "Output file, relative to this file" },
      format: formatSchema(registry),
    },
  };
}

const runSchema: JSONSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    maxRejectRate: {
      type: "number",
      minimum: 0,
      maximum: 1,
      default: 0.1,
      description: "The run fails when rejected rows / source rows exceeds this",
    },
    window: { ...positiveInt, default: 1024, description: "Most rows in flight across the pipeline" },
    shutdownGraceMs: {
      type: "integer",
      minimum: 0,
      default: 10000,
      description: "On Ctrl-C, how long in-flight rows may finish before they are aborted",
    },
  },
};
