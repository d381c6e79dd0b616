import type { JSONSchema, RetrieverKind, RetrieverServingUse } from "@dataflow/core";
import { createRetriever } from "./create-retriever.js";
import type { RetrieverType } from "./retriever-config.js";

/** What every retriever here reads: a JSONL corpus of passages. */
const corpusOptions: Record<string, JSONSchema> = {
  corpus: {
    type: "string",
    minLength: 1,
    pattern: "\\.(jsonl|ndjson|jsonl\\.gz)$",
    description: "JSONL file of passages (.jsonl, .jsonl.gz), relative to this file",
  },
  textField: { type: "string", minLength: 1, default: "text", description: "Field holding a passage's text" },
  idField: {
    type: "string",
    minLength: 1,
    default: "id",
    description: "Field holding a passage's id (else its line number)",
  },
};

const bm25Options: Record<string, JSONSchema> = {
  bm25: {
    type: "object",
    additionalProperties: false,
    default: {},
    properties: {
      k1: { type: "number", minimum: 0, default: 0.9, description: "Term-frequency saturation" },
      b: { type: "number", minimum: 0, maximum: 1, default: 0.4, description: "Length normalisation" },
    },
  },
};

const weight: JSONSchema = { type: "number", minimum: 0 };

const fusionOptions: Record<string, JSONSchema> = {
  rrfK: {
    type: "number",
    minimum: 0,
    default: 60,
    description: "Reciprocal rank fusion constant, score = Σ w / (rrfK + rank)",
  },
  depth: {
    type: "integer",
    minimum: 1,
    default: 50,
    description: "Candidates taken from each ranking before fusing",
  },
  weights: {
    type: "object",
    additionalProperties: false,
    default: {},
    properties: { bm25: { ...weight, default: 1 }, dense: { ...weight, default: 1 } },
  },
};

const embeds: RetrieverServingUse = { use: "required", why: "to compute embeddings" };

function retrieverKind(
  type: RetrieverType,
  description: string,
  serving: RetrieverServingUse,
  options: Record<string, JSONSchema>,
): RetrieverKind {
  return {
    type,
    description,
    serving,
    paths: ["corpus"],
    options: {
      type: "object",
      additionalProperties: false,
      required: ["corpus"],
      properties: { ...corpusOptions, ...options },
    },
    create: (name, config, context) => createRetriever(name, config, context),
  };
}

/** The retriever types of this package, as a pipeline's `type:` names them. */
export const retrieverKinds: readonly RetrieverKind[] = [
  retrieverKind(
    "bm25",
    "sparse (lunr analysis, Lucene BM25)",
    { use: "unused", why: "computes no embeddings" },
    bm25Options,
  ),
  retrieverKind("dense", "embeddings + cosine", embeds, {}),
  retrieverKind("hybrid", "both, fused by reciprocal rank", embeds, { ...bm25Options, ...fusionOptions }),
];
