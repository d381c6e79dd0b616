import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatMessage, GenerationSettings, JSONSchema, Usage } from "@dataflow/core";
import { canonicalJson, redactValue } from "@dataflow/core";
import { type EmbeddingRecord, encodeRecord } from "./embedding-record.js";
import { embeddingSegment, type SegmentStats } from "./embedding-segment.js";

/** What identifies an answer: the request as the model sees it. No endpoint, no key, no serving name. */
export interface CacheKeyParts {
  model: string;
  messages: readonly ChatMessage[];
  settings: GenerationSettings;
  schema?: JSONSchema | undefined;
  /** Server-specific request fields; absent or empty leaves the key as it was without them. */
  extraBody?: Record<string, unknown> | undefined;
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
    ...(parts.extraBody && Object.keys(parts.extraBody).length > 0 ? { extraBody: parts.extraBody } : {}),
  };
  return createHash("sha256").update(canonicalJson(material)).digest("hex");
}

/** sha256 (hex) of one text's embedding request; never equal to a chat request's key. */
export function embeddingCacheKey(parts: EmbeddingKeyParts): string {
  return embeddingDigester(parts)(parts.text).toString("hex");
}

/**
 * The sha256 of `canonicalJson({ v, kind: "embedding", model, dimensions, text })` for each
 * text of one space, the text's neighbours serialised once: a corpus hashes millions.
 */
function embeddingDigester(space: EmbeddingSpace): (text: string) => Buffer {
  const rest = canonicalJson({ kind: "embedding", model: space.model, dimensions: space.dimensions ?? null });
  // Sorted keys: dimensions, kind, model come before text, and v after it.
  const head = `${rest.slice(0, -1)},"text":`;
  const tail = `,"v":${FORMAT}}`;
  return (text) => createHash("sha256").update(head).update(JSON.stringify(text)).update(tail).digest();
}

/** Which vectors one segment file holds: those of one model at one requested length. */
export interface EmbeddingSpace {
  model: string;
  /** The vector length asked for (`dimensions`), when one was. */
  dimensions?: number | undefined;
}

/** One text's embedding to store. */
export interface EmbeddingEntry extends CachedEmbedding {
  text: string;
}

// Bumped when the segment record format changes: the file names change, so old files are never read.
const SEGMENT_FORMAT = 1;

/**
 * The response cache on disk, shared across runs and servings. Chat answers are content-addressed
 * files, `<dir>/<first 2 hex>/<key>.json`, written to a temporary file renamed into place, so a
 * crash never leaves a torn entry; an unreadable entry is a miss. Embeddings, of which a corpus
 * has millions, go to append-only segment files instead, one per model and requested length:
 * `<dir>/embeddings/<16 hex>.bin` (see `EmbeddingSegment`).
 */
export class ResponseCache {
  private readonly shards = new Set<string>();

  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The segment file holding `space`'s embeddings. */
  embeddingPathOf(space: EmbeddingSpace): string {
    const name = createHash("sha256")
      .update(canonicalJson({ v: SEGMENT_FORMAT, model: space.model, dimensions: space.dimensions ?? null }))
      .digest("hex")
      .slice(0, 16);
    return join(this.dir, "embeddings", `${name}.bin`);
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

  /**
   * The stored embeddings of `texts` in `space`, in order: undefined where absent, damaged, or
   * not a vector of finite numbers. A segment that cannot be read at all is all misses.
   */
  async getEmbeddings(
    space: EmbeddingSpace,
    texts: readonly string[],
  ): Promise<(CachedEmbedding | undefined)[]> {
    const digest = embeddingDigester(space);
    const keys = texts.map((text) => digest(text).toString("latin1"));
    let records: (EmbeddingRecord | undefined)[];
    try {
      records = await embeddingSegment(this.embeddingPathOf(space)).get(keys);
    } catch {
      return texts.map(() => undefined);
    }
    return records.map((record) =>
      record && allFinite(record.vector) ? { model: record.model, vector: record.vector } : undefined,
    );
  }

  /**
   * Stores `entries` in `space`'s segment as one append (calls made together share it too); a
   * text stored again is read back as stored last.
   */
  async setEmbeddings(space: EmbeddingSpace, entries: readonly EmbeddingEntry[]): Promise<void> {
    const digestOf = embeddingDigester(space);
    const records = entries.map((e) => {
      const digest = digestOf(e.text);
      return { key: digest.toString("latin1"), record: encodeRecord(digest, e.model, e.vector) };
    });
    await embeddingSegment(this.embeddingPathOf(space)).append(records);
  }

  /** One text's stored embedding; see `getEmbeddings`. */
  async getEmbedding(parts: EmbeddingKeyParts): Promise<CachedEmbedding | undefined> {
    const [hit] = await this.getEmbeddings(parts, [parts.text]);
    return hit;
  }

  /** Stores one text's embedding; calls in the same tick share one append. */
  async setEmbedding(parts: EmbeddingKeyParts, value: CachedEmbedding): Promise<void> {
    await this.setEmbeddings(parts, [{ text: parts.text, model: value.model, vector: value.vector }]);
  }

  /** Counts of `space`'s segment (opening it if needed): records, writes, damaged stretches, bytes. */
  embeddingStats(space: EmbeddingSpace): Promise<SegmentStats> {
    return embeddingSegment(this.embeddingPathOf(space)).stats();
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
      // A secret interpolated into the model name (or echoed in an answer) is never stored.
      await writeFile(tmp, JSON.stringify(redactValue(entry)), { flag: "wx" });
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      throw err;
    }
  }
}

function allFinite(vector: Float32Array): boolean {
  for (let i = 0; i < vector.length; i++) if (!Number.isFinite(vector[i])) return false;
  return true;
}
