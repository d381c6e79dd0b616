import {
  type LLMRequest,
  type LLMResult,
  LLMServingABC,
  type OperatorRegistry,
  type RetrievedPassage,
  RetrieverABC,
  type RetrieverKind,
  type Row,
  type RowContext,
  RowOperator,
  type ServingKind,
} from "@dataflow/core";

/**
 * Test fixture: a plugin from outside core that adds a serving type, a retriever type (each with
 * its own config schema) and an operator that uses both.
 */
export function register(registry: OperatorRegistry): void {
  registry.servingKinds.add(cannedKind);
  registry.retrieverKinds.add(inlineKind);
  registry.register(AnswerOperator as never);
}

/** Answers every request with `<reply> <the last user message>`. */
class CannedServing extends LLMServingABC {
  readonly maxConcurrency = 2;
  constructor(
    readonly name: string,
    readonly model: string,
    private readonly reply: string,
  ) {
    super();
  }

  async generate(request: LLMRequest): Promise<LLMResult> {
    const asked = request.messages.at(-1)?.content ?? "";
    const usage = { promptTokens: 0, completionTokens: 0 };
    return { text: `${this.reply} ${asked}`, usage, model: this.model, latencyMs: 0, fromCache: false };
  }

  fingerprint(): Record<string, unknown> {
    return { model: this.model, reply: this.reply };
  }
}

const cannedKind: ServingKind = {
  type: "canned",
  description: "a fixed reply before the question",
  options: {
    type: "object",
    additionalProperties: false,
    required: ["model", "reply"],
    properties: {
      model: { type: "string", minLength: 1 },
      reply: { type: "string", minLength: 1, description: "What every answer starts with" },
    },
  },
  create: (name, config) => new CannedServing(name, String(config.model), String(config.reply)),
};

/** Passages listed in the config; a query finds the one sharing the most words with it. */
class InlineRetriever extends RetrieverABC {
  readonly kind = "inline";
  constructor(
    readonly name: string,
    private readonly passages: readonly string[],
  ) {
    super();
  }

  async open(): Promise<void> {}

  get size(): number {
    return this.passages.length;
  }

  async search(query: string, k: number): Promise<RetrievedPassage[]> {
    const words = new Set(query.toLowerCase().match(/\w+/g));
    return this.passages
      .map((text, docId) => ({ docId, id: `p${docId}`, text, score: overlap(words, text) }))
      .sort((a, b) => b.score - a.score || a.docId - b.docId)
      .slice(0, k);
  }

  passage(docId: number): { id: string; text: string } | undefined {
    const text = this.passages[docId];
    return text === undefined ? undefined : { id: `p${docId}`, text };
  }

  docIdOf(id: string): number | undefined {
    const docId = Number(id.slice(1));
    return this.passages[docId] === undefined ? undefined : docId;
  }

  fingerprint(): Record<string, unknown> {
    return { kind: this.kind, passages: this.passages };
  }
}

function overlap(words: Set<string>, text: string): number {
  return (text.toLowerCase().match(/\w+/g) ?? []).filter((w) => words.has(w)).length;
}

const inlineKind: RetrieverKind = {
  type: "inline",
  description: "passages written in the pipeline",
  serving: { use: "unused", why: "uses no serving" },
  options: {
    type: "object",
    additionalProperties: false,
    required: ["passages"],
    properties: { passages: { type: "array", minItems: 1, items: { type: "string" } } },
  },
  create: (name, config) => new InlineRetriever(name, config.passages as string[]),
};

/** Finds the best passage for a text and asks the serving about it. */
class AnswerOperator extends RowOperator {
  static readonly spec = {
    name: "fixture/answer",
    version: "1.0.0",
    description: "retrieves a passage for a text and asks the serving about both",
    params: { type: "object", additionalProperties: false, properties: {} },
    inputs: { text: { column: "text" } },
    outputs: { passage: { column: "passage" }, answer: { column: "answer" } },
    serving: "required" as const,
    retriever: "required" as const,
  };

  async process(_row: Row, ctx: RowContext<Record<string, never>>) {
    const text = String(ctx.input("text"));
    const [best] = (await ctx.retriever?.search(text, 1)) ?? [];
    const result = await ctx.serving?.generate({ messages: [{ role: "user", content: best?.text ?? "" }] });
    return ctx.output({ passage: best?.text, answer: result?.text });
  }
}
