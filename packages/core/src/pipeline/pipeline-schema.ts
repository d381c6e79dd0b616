import type { JSONSchema } from "../contracts/json-schema.js";

const columnName: JSONSchema = { type: "string", minLength: 1, description: "A column name" };
const positiveInt: JSONSchema = { type: "integer", minimum: 1 };

const portBindings = (what: string): JSONSchema => ({
  type: "object",
  description: `${what} port → column. Unbound ports use the operator's default column.`,
  additionalProperties: columnName,
});

const serving: JSONSchema = {
  type: "object",
  description: "An LLM endpoint. API keys come only from the environment, never from this file.",
  additionalProperties: false,
  required: ["model"],
  properties: {
    type: {
      enum: ["auto", "openai", "ai-sdk", "local"],
      default: "auto",
      description:
        "auto: an OpenAI-compatible endpoint when OPENAI_API_KEY or OPENAI_BASE_URL is set, else local",
    },
    model: { type: "string", minLength: 1, description: "Model name, or a GGUF path for local" },
    baseURL: { type: "string", description: "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1" },
    apiKeyEnv: {
      type: "string",
      pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
      default: "OPENAI_API_KEY",
      description: "Name of the environment variable holding the API key",
    },
    maxConcurrency: {
      ...positiveInt,
      default: 16,
      description: "Requests in flight at once, across all steps",
    },
    timeoutMs: { ...positiveInt, default: 120000, description: "Per-request timeout" },
    maxRetries: { type: "integer", minimum: 0, default: 5 },
    requestsPerMinute: positiveInt,
    tokensPerMinute: positiveInt,
    temperature: { type: "number", minimum: 0, maximum: 2 },
    topP: { type: "number", exclusiveMinimum: 0, maximum: 1 },
    maxTokens: positiveInt,
    seed: { type: "integer" },
    stop: { type: "array", items: { type: "string" } },
    threads: { ...positiveInt, description: "local: CPU threads (default: the cores available)" },
    contextSize: { ...positiveInt, description: "local: context size in tokens (default: the model's)" },
    embeddingModel: {
      type: "string",
      minLength: 1,
      description:
        "Model for embeddings (dense retrieval), default `model`; a GGUF path or hf: URI for local",
    },
    embeddingBatchSize: {
      ...positiveInt,
      maximum: 2048,
      default: 64,
      description: "Texts per embeddings request",
    },
    embeddingDimensions: { ...positiveInt, description: "Vector length to ask for (OpenAI `dimensions`)" },
    prices: {
      type: "object",
      description: "USD per million tokens, for cost totals",
      additionalProperties: false,
      properties: { input: { type: "number", minimum: 0 }, output: { type: "number", minimum: 0 } },
    },
  },
};

const weight: JSONSchema = { type: "number", minimum: 0 };

const retriever: JSONSchema = {
  type: "object",
  description: "An index over a corpus of passages that steps search (`retriever: <name>`)",
  additionalProperties: false,
  required: ["type", "corpus"],
  properties: {
    type: {
      enum: ["bm25", "dense", "hybrid"],
      description:
        "bm25: sparse (lunr analysis, Lucene BM25); dense: embeddings + cosine; hybrid: both, fused by reciprocal rank",
    },
    corpus: {
      type: "string",
      minLength: 1,
      pattern: "\\.(jsonl|ndjson|jsonl\\.gz)$",
      description: "JSONL file of passages (.jsonl, .jsonl.gz), relative to this file",
    },
    textField: {
      type: "string",
      minLength: 1,
      default: "text",
      description: "Field holding a passage's text",
    },
    idField: {
      type: "string",
      minLength: 1,
      default: "id",
      description: "Field holding a passage's id (else its line number)",
    },
    serving: {
      type: "string",
      minLength: 1,
      description: "dense, hybrid: the serving (in `servings`) that computes embeddings",
    },
    bm25: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        k1: { type: "number", minimum: 0, default: 0.9, description: "Term-frequency saturation" },
        b: { type: "number", minimum: 0, maximum: 1, default: 0.4, description: "Length normalisation" },
      },
    },
    rrfK: {
      type: "number",
      minimum: 0,
      default: 60,
      description: "hybrid: reciprocal rank fusion constant, score = Σ w / (rrfK + rank)",
    },
    depth: {
      ...positiveInt,
      default: 50,
      description: "hybrid: candidates taken from each ranking before fusing",
    },
    weights: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: { bm25: { ...weight, default: 1 }, dense: { ...weight, default: 1 } },
    },
  },
};

const step: JSONSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "op"],
  properties: {
    id: {
      type: "string",
      pattern: "^[a-z][a-z0-9_-]*$",
      description: "Unique step id (lowercase letters, digits, - and _)",
    },
    op: { type: "string", minLength: 1, description: "Operator name, e.g. core/template" },
    description: { type: "string" },
    serving: { type: "string", minLength: 1, description: "Name of an entry in `servings`" },
    retriever: { type: "string", minLength: 1, description: "Name of an entry in `retrievers`" },
    inputs: portBindings("Input"),
    outputs: portBindings("Output"),
    params: { type: "object", description: "Operator params, validated by the operator's schema" },
    concurrency: { ...positiveInt, description: "Rows in flight in this step" },
  },
};

/** The JSON Schema (draft 2020-12) of a pipeline YAML file. */
export const pipelineSchema: JSONSchema = {
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
      description: "Plugin packages (or paths relative to this file) that register operators",
      items: { type: "string", minLength: 1 },
      uniqueItems: true,
    },
    source: {
      type: "object",
      additionalProperties: false,
      required: ["path"],
      properties: {
        path: { type: "string", minLength: 1, description: "Input file, relative to this file" },
        format: {
          enum: ["jsonl", "json", "csv", "parquet", "jsonl.gz"],
          description: "Default: from the file extension",
        },
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
    },
    output: {
      type: "object",
      additionalProperties: false,
      required: ["path"],
      properties: {
        path: { type: "string", minLength: 1, description: "Output file, relative to this file" },
        format: {
          enum: ["jsonl", "json", "csv", "parquet", "jsonl.gz"],
          description: "Default: from the file extension",
        },
      },
    },
    cache: {
      type: "object",
      additionalProperties: false,
      properties: { dir: { type: "string", minLength: 1, default: ".dataflow/cache" } },
    },
    servings: { type: "object", additionalProperties: serving },
    retrievers: { type: "object", additionalProperties: retriever },
    run: {
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
    },
    steps: { type: "array", minItems: 1, items: step },
  },
};
