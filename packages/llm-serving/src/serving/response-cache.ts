import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatMessage, GenerationSettings, JSONSchema, Usage } from "@dataflow/core";
import { canonicalJson } from "@dataflow/core";
import { decodeVector, encodeVector } from "./vector-codec.js";

/** What identifies an answer: the request as the model sees it. No endpoint, no key, no serving name. */
export interface CacheKeyParts {
  model: string;
  messages: readonly ChatMessage[];
  settings: GenerationSettings;
  schema?: JSONSchema | undefined;
}

/** A stored answer: the model's raw output, before reasoning split and JSON parsing. */
export interface CachedResponse {
  model: string;
  text: string;
  reasoningContent?: string;
  usage: Usage;
}

/** What identifies one text's embedding. */
export interface EmbeddingKeyParts {
  model: string;
  /** The vector length asked for (`dimensions`), when one was. */
  dimensions?: number | undefined;
  text: string;
}

/** A stored embedding: the model as the endpoint named it, and the vector. */
export interface CachedEmbedding {
  model: string;
  vector: Float32Array;
}

// Bumped when the key recipe or the entry format changes, so old entries are simply never hit.
const FORMAT = 1;

/** sha256 (hex) of the canonical JSON of the request's parts. */
export function cacheKey(parts: CacheKeyParts): string {
  const material = {
    v: FORMAT,
    model: parts.model,
    messages: parts.messages.map((m) => ({ role: m.role, content: m.content })),
    settings: parts.settings,
    schema: parts.schema ?? null,
  };
  return createHash("sha256").update(canonicalJson(material)).digest("hex");
}

/** sha256 (hex) of one text's embedding request; never equal to a chat request's key. */
export function embeddingCacheKey(parts: EmbeddingKeyParts): string {
  const material = {
    v: FORMAT,
    kind: "embedding",
    model: parts.model,
    dimensions: parts.dimensions ?? null,
    text: parts.text,
  };
  return createHash("sha256").update(canonicalJson(material)).digest("hex");
}

/**
 * A content-addressed response cache on disk, shared across runs and servings:
 * `<dir>/<first 2 hex>/<key>.json`. Writes go to a temporary file renamed into
 * place, so a crash never leaves a torn entry; an unreadable entry is a miss. Chat answers and
 * embeddings (one file per text, the vector as base64 float32) share it.
 */
export class ResponseCache {
  private readonly shards = new Set<string>();

  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    const entry = await this.read(key);
    if (!entry || typeof entry.text !== "string" || typeof entry.model !== "string") return undefined;
    const usage = entry.usage as Partial<Usage> | undefined;
    return {
      model: entry.model,
      text: entry.text,
      ...(typeof entry.reasoningContent === "string" ? { reasoningContent: entry.reasoningContent } : {}),
      usage: {
        promptTokens: typeof usage?.promptTokens === "number" ? usage.promptTokens : 0,
        completionTokens: typeof usage?.completionTokens === "number" ? usage.completionTokens : 0,
      },
    };
  }

  async set(key: string, value: CachedResponse): Promise<void> {
    await this.write(key, { ...value });
  }

  /** A stored embedding; undefined when absent, torn, or not a whole vector of finite numbers. */
  async getEmbedding(key: string): Promise<CachedEmbedding | undefined> {
    const entry = await this.read(key);
    if (entry?.kind !== "embedding" || typeof entry.model !== "string") return undefined;
    if (typeof entry.vector !== "string") return undefined;
    const vector = decodeVector(entry.vector);
    if (!vector || vector.length === 0 || !vector.every(Number.isFinite)) return undefined;
    return { model: entry.model, vector };
  }

  async setEmbedding(key: string, value: CachedEmbedding): Promise<void> {
    await this.write(key, {
      kind: "embedding",
      model: value.model,
      dimensions: value.vector.length,
      vector: encodeVector(value.vector),
    });
  }

  /** The entry's JSON object in the current format; undefined for anything else. */
  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), "utf8");
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as unknown;
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
      const record = entry as Record<string, unknown>;
      return record.v === FORMAT ? record : undefined;
    } catch {
      return undefined;
    }
  }

  private async write(key: string, value: Record<string, unknown>): Promise<void> {
    const shard = join(this.dir, key.slice(0, 2));
    if (!this.shards.has(shard)) {
      await mkdir(shard, { recursive: true });
      this.shards.add(shard);
    }
    const file = this.pathOf(key);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const entry = { v: FORMAT, ...value, storedAt: new Date().toISOString() };
    try {
      await writeFile(tmp, JSON.stringify(entry), { flag: "wx" });
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      throw err;
    }
  }
}
