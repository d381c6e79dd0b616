import { estimateTokens } from "./chat-completion.js";
import { hashEmbedding } from "./hash-embedding.js";
import type { Fault } from "./reply-script.js";

/** What fault matchers and `embedBatch` see of an embeddings request. */
export interface EmbeddingRequestInfo {
  /** 0-based position among the embeddings requests this server has received. */
  index: number;
  model: string;
  input: string[];
  /** `dimensions` of the request, when it had one. */
  dimensions?: number;
  /** The parsed request body. */
  body: Record<string, unknown>;
}

/** A fault for embeddings requests, with the semantics of a chat rule's `fault`. */
export interface EmbeddingFaultRule {
  /** A substring of any input, a regexp tested against each, or a predicate; absent: every request. */
  match?: string | RegExp | ((req: EmbeddingRequestInfo) => boolean);
  fault: Fault;
  /** Serves this many matching requests, then is skipped; unlimited when absent. */
  times?: number;
}

export interface EmbeddingScriptOptions {
  /** Vector length of the default embedding (`dimensions` of a request wins); 64 by default. */
  embeddingDims?: number;
  /** Each text's vector; `hashEmbedding` by default. NaN and ±Infinity go out as JSON null. */
  embed?: (text: string) => number[];
  /** A whole request's vectors, sent as they are, even of a wrong count (wins over `embed`). */
  embedBatch?: (req: EmbeddingRequestInfo) => number[][];
  /** Tried in order, before answering; the first that matches and has times left fails the request. */
  embeddingFaults?: EmbeddingFaultRule[];
}

/** Decides each embeddings request's answer: a fault from the rules, else the vectors. */
export class EmbeddingScript {
  readonly dims: number;
  private readonly left: number[];

  constructor(private readonly options: EmbeddingScriptOptions = {}) {
    this.dims = options.embeddingDims ?? 64;
    if (!Number.isInteger(this.dims) || this.dims < 1) {
      throw new RangeError(`embeddingDims must be a whole number ≥ 1, got ${this.dims}`);
    }
    this.left = (options.embeddingFaults ?? []).map((r, i) => {
      if (r.times === undefined) return Number.POSITIVE_INFINITY;
      if (!Number.isInteger(r.times) || r.times < 0) {
        throw new RangeError(`embeddingFaults[${i}].times must be a whole number ≥ 0, got ${r.times}`);
      }
      return r.times;
    });
  }

  /** The fault for this request and the index of its rule; undefined to answer it. */
  fault(req: EmbeddingRequestInfo): { fault: Fault; rule: number } | undefined {
    for (const [i, rule] of (this.options.embeddingFaults ?? []).entries()) {
      if ((this.left[i] ?? 0) <= 0 || !matches(rule.match, req)) continue;
      this.left[i] = (this.left[i] ?? 0) - 1;
      return { fault: rule.fault, rule: i };
    }
    return undefined;
  }

  vectors(req: EmbeddingRequestInfo): number[][] {
    if (this.options.embedBatch) return this.options.embedBatch(req);
    const embed = this.options.embed ?? ((text: string) => hashEmbedding(text, req.dimensions ?? this.dims));
    return req.input.map((text) => embed(text));
  }
}

/**
 * An OpenAI `list` of embeddings: float arrays, or base64 of little-endian float32 when the
 * request asked `encoding_format: "base64"` (what the openai SDK asks by default, and decodes).
 */
export function embeddingsBody(
  req: EmbeddingRequestInfo,
  vectors: number[][],
  encoding: "float" | "base64",
): Record<string, unknown> {
  const promptTokens = req.input.reduce((sum, text) => sum + estimateTokens(text), 0);
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encoding === "base64" ? float32Base64(vector) : vector,
    })),
    model: req.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/**
 * The request's `input` as texts, or why it cannot be answered: a string or a list of non-empty
 * strings (token arrays are not supported here; OpenAI refuses empty strings).
 */
export function readInput(raw: unknown): string[] | string {
  const input = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(input) || input.length === 0) {
    return "input must be a string or a non-empty array of strings";
  }
  for (const [i, text] of input.entries()) {
    if (typeof text !== "string")
      return `input[${i}] is not a string; the dataflow test server embeds text only`;
    if (text.length === 0) return `input[${i}] is an empty string`;
  }
  return input as string[];
}

function float32Base64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [i, v] of vector.entries()) bytes.writeFloatLE(v, i * 4);
  return bytes.toString("base64");
}

function matches(matcher: EmbeddingFaultRule["match"], req: EmbeddingRequestInfo): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "string") return req.input.some((text) => text.includes(matcher));
  if (matcher instanceof RegExp) {
    return req.input.some((text) => {
      matcher.lastIndex = 0; // a /g or /y regexp keeps state between calls
      return matcher.test(text);
    });
  }
  return matcher(req);
}
