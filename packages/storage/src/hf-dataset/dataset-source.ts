import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { RowSource, SourceItem, SourceProgress } from "@dataflow/core";
import { InputFileError } from "../input-file.js";
import { JsonlSource } from "../jsonl-source.js";
import { ParquetSource } from "../parquet-source.js";
import { checkLimit } from "../row-limit.js";

export interface DatasetSourceOptions {
  /** A Hugging Face dataset folder: shards under `data/`. */
  path: string;
  /** The split to read (default "train" when there is one, else the only split). */
  split?: string;
  /** Read at most this many rows. */
  limit?: number;
}

/** `train-00000-of-00003.parquet` → split train; also `train.jsonl`, `train/0000.parquet`. */
const SHARD = /^([A-Za-z0-9_]+)(?:-\d{5}-of-\d{5})?\.(parquet|jsonl)$/;

/** The shards under `<dir>/data`, by split, each split's shards in name order. */
export async function datasetShards(dir: string): Promise<Map<string, string[]>> {
  const data = join(dir, "data");
  let names: string[];
  try {
    names = (await readdir(data, { recursive: true })).map(String).sort();
  } catch (err) {
    throw new InputFileError(data, err);
  }
  const splits = new Map<string, string[]>();
  for (const name of names) {
    const parts = name.split("/");
    const m = SHARD.exec(parts.at(-1) as string);
    // A shard in a split folder (data/train/0000.parquet) belongs to the folder's split.
    const split = parts.length > 1 ? parts[0] : m?.[1];
    if (!split || !/\.(parquet|jsonl)$/.test(name)) continue;
    splits.set(split, [...(splits.get(split) ?? []), join(data, name)]);
  }
  return splits;
}

/**
 * One split of a local Hugging Face dataset folder (Parquet or JSONL shards under `data/`, split
 * names from file names such as `data/train-00000-of-00003.parquet`), shard after shard, streamed
 * as ParquetSource and JsonlSource stream. Row ids are `<shard file>:<row number>`, stable while
 * the shards are. Bad rows are the shard source's bad items.
 */
export class DatasetSource implements RowSource {
  readonly description: string;
  private readonly limit: number;
  private current: RowSource | undefined;
  private done = 0;

  constructor(private readonly options: DatasetSourceOptions) {
    this.description = options.split ? `${options.path} (split ${options.split})` : options.path;
    this.limit = checkLimit(options.limit);
  }

  /** The split's shard files; throws naming the splits there are when the split is not one of them. */
  async shards(): Promise<{ split: string; files: string[] }> {
    const splits = await datasetShards(this.options.path);
    const names = [...splits.keys()];
    const split =
      this.options.split ?? (splits.has("train") || names.length !== 1 ? "train" : (names[0] as string));
    const files = splits.get(split);
    if (!files)
      throw new Error(
        `${this.options.path}: no shards for split "${split}" under data/ ` +
          `(splits there: ${names.join(", ") || "none"}); set source.split to one of them`,
      );
    return { split, files };
  }

  async checkReadable(): Promise<void> {
    await stat(this.options.path).catch((err: unknown) => {
      throw new InputFileError(this.options.path, err);
    });
    await this.shards();
  }

  progress(): SourceProgress {
    return { bytesRead: this.done + (this.current?.progress?.().bytesRead ?? 0) };
  }

  read(options?: { signal?: AbortSignal }): AsyncIterable<SourceItem> {
    return this.items(options?.signal);
  }

  private async *items(signal: AbortSignal | undefined): AsyncGenerator<SourceItem> {
    if (this.limit === 0) return;
    const { files } = await this.shards();
    let rows = 0;
    for (const file of files) {
      const name = file.slice(join(this.options.path, "data").length + 1);
      this.current = file.endsWith(".parquet")
        ? new ParquetSource({ path: file })
        : new JsonlSource({ path: file });
      for await (const item of this.current.read(signal ? { signal } : {})) {
        yield { ...item, id: `${name}:${item.id}` };
        if (item.kind === "row" && ++rows >= this.limit) return;
      }
      this.done += this.current.progress?.().bytesRead ?? 0;
      this.current = undefined;
    }
  }
}
