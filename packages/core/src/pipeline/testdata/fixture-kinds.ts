import { readFile } from "node:fs/promises";
import { type LLMResult, LLMServingABC } from "../../contracts/llm-serving.js";
import { type RetrievedPassage, RetrieverABC } from "../../contracts/retriever.js";
import type { OperatorRegistry } from "../../registry/registry.js";
import type { RetrieverKind } from "../../registry/retriever-kind.js";
import type { ServingKind } from "../../registry/serving-kind.js";

/**
 * Kinds for the compiler's tests, registered the way a plugin registers its own: a default
 * serving type, a retriever type that uses no serving and one that needs one.
 */
export function registerFixtureKinds(registry: OperatorRegistry): void {
  registry.servingKinds.add(chatKind, "fixture");
  registry.retrieverKinds.add(linesKind, "fixture");
  registry.retrieverKinds.add({ ...linesKind, type: "vectors", serving: vectorsUse }, "fixture");
}

/** Answers every request with a fixed reply. */
class ReplyServing extends LLMServingABC {
  constructor(
    readonly name: string,
    readonly model: string,
    readonly maxConcurrency: number,
    private readonly reply: string,
  ) {
    super();
  }

  async generate(): Promise<LLMResult> {
    const usage = { promptTokens: 0, completionTokens: 0 };
    return { text: this.reply, usage, model: this.model, latencyMs: 0, fromCache: false };
  }

  fingerprint(): Record<string, unknown> {
    return { model: this.model, reply: this.reply };
  }
}

const chatKind: ServingKind = {
  type: "chat",
  description: "a fixed reply",
  default: true,
  options: {
    type: "object",
    additionalProperties: false,
    required: ["model"],
    properties: {
      model: { type: "string", minLength: 1 },
      baseURL: { type: "string" },
      maxConcurrency: { type: "integer", minimum: 1, default: 16 },
      timeoutMs: { type: "integer", minimum: 1, default: 120000 },
      reply: { type: "string", default: "ok" },
    },
  },
  create: (name, config) =>
    new ReplyServing(name, String(config.model), Number(config.maxConcurrency), String(config.reply)),
};

/** Passages are the lines of a text file; a query finds those sharing the most words with it. */
class LinesRetriever extends RetrieverABC {
  private lines: string[] = [];
  constructor(
    readonly name: string,
    readonly kind: string,
    private readonly file: string,
  ) {
    super();
  }

  async open(): Promise<void> {
    this.lines = (await readFile(this.file, "utf8")).split("\n").filter(Boolean);
  }

  get size(): number {
    return this.lines.length;
  }

  async search(query: string, k: number): Promise<RetrievedPassage[]> {
    await this.open();
    const words = new Set(query.toLowerCase().split(/\W+/));
    return this.lines
      .map((text, docId) => ({ docId, id: String(docId + 1), text, score: shared(words, text) }))
      .filter((p) => p.score > 0)
      .sort((a, b) => b.score - a.score || a.docId - b.docId)
      .slice(0, k);
  }

  passage(docId: number): { id: string; text: string } | undefined {
    const text = this.lines[docId];
    return text === undefined ? undefined : { id: String(docId + 1), text };
  }

  docIdOf(id: string): number | undefined {
    const docId = Number(id) - 1;
    return docId >= 0 && docId < this.lines.length ? docId : undefined;
  }

  fingerprint(): Record<string, unknown> {
    return { kind: this.kind, file: this.file };
  }
}

function shared(words: Set<string>, text: string): number {
  return text.toLowerCase().split(/\W+/).filter((w) => w && words.has(w)).length;
}

const vectorsUse = { use: "required", why: "to embed queries" } as const;

const linesKind: RetrieverKind = {
  type: "lines",
  description: "lines of a text file, by shared words",
  serving: { use: "unused", why: "embeds nothing" },
  paths: ["lines"],
  options: {
    type: "object",
    additionalProperties: false,
    required: ["lines"],
    properties: {
      lines: { type: "string", pattern: "\\.txt$", description: "a text file, one passage per line" },
      depth: { type: "integer", minimum: 1, default: 10 },
    },
  },
  create: (name, config) => new LinesRetriever(name, config.type, String(config.lines)),
};
