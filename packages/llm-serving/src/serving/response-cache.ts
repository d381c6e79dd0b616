import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatMessage, GenerationSettings, JSONSchema, Usage } from "@dataflow/core";
import { canonicalJson } from "@dataflow/core";

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

/**
 * A content-addressed response cache on disk, shared across runs and servings:
 * `<dir>/<first 2 hex>/<key>.json`. Writes go to a temporary file renamed into
 * place, so a crash never leaves a torn entry; an unreadable entry is a miss.
 */
export class ResponseCache {
  private readonly shards = new Set<string>();

  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), "utf8");
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as Partial<CachedResponse> & { v?: unknown };
      if (entry.v !== FORMAT || typeof entry.text !== "string" || typeof entry.model !== "string")
        return undefined;
      const usage = entry.usage;
      return {
        model: entry.model,
        text: entry.text,
        ...(typeof entry.reasoningContent === "string" ? { reasoningContent: entry.reasoningContent } : {}),
        usage: {
          promptTokens: typeof usage?.promptTokens === "number" ? usage.promptTokens : 0,
          completionTokens: typeof usage?.completionTokens === "number" ? usage.completionTokens : 0,
        },
      };
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: CachedResponse): Promise<void> {
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
