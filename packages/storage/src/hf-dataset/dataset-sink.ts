import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { RowRecord, RowSink } from "@dataflow/core";
import type { ColumnShape } from "../parquet-shape.js";
import { ParquetSink } from "../parquet-sink.js";
import { type DatasetCardInfo, datasetCard } from "./dataset-card.js";

export interface DatasetSinkOptions {
  /** The split the rows form (default "train"): a name of letters, digits or `_`. */
  split?: string;
  /** Rows per Parquet shard (default 100,000). */
  shardRows?: number;
  /** Rows per row group inside a shard (default 10,000). */
  rowGroupSize?: number;
  /** What the dataset card says about the pipeline. */
  card?: DatasetCardInfo;
}

const DEFAULT_SHARD_ROWS = 100_000;

/**
 * Writes rows as a Hugging Face dataset directory: `data/<split>-00000-of-0000N.parquet` shards
 * (the Hub's naming; native LIST and STRUCT columns, every shard with the first one's schema) and a
 * README.md dataset card (see datasetCard), so `datasets.load_dataset(dir)` reads it.
 *
 * Atomic as a whole: everything is written into a temp folder beside `dir`; `commit()` names the
 * shards once their count is known, writes the card, and swaps the folder in (a previous dataset
 * there is replaced); `abort()` removes the temp folder.
 */
export class DatasetSink implements RowSink {
  readonly description: string;
  private readonly split: string;
  private readonly shardRows: number;
  private readonly temp: string;
  private shard: ParquetSink | undefined;
  private shardCount = 0;
  private inShard = 0;
  private count = 0;
  private columns: readonly { name: string; shape: ColumnShape }[] | undefined;

  private constructor(
    readonly dir: string,
    private readonly options: DatasetSinkOptions,
  ) {
    this.description = dir;
    this.split = checkSplit(options.split ?? "train");
    this.shardRows = checkShardRows(options.shardRows);
    this.temp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  }

  /** Throws an Error for a bad split name or shard size, before anything is written. */
  static checkOptions(options: DatasetSinkOptions): void {
    checkSplit(options.split ?? "train");
    checkShardRows(options.shardRows);
    ParquetSink.checkOptions(
      options.rowGroupSize === undefined ? {} : { rowGroupSize: options.rowGroupSize },
    );
  }

  static async open(dir: string, options: DatasetSinkOptions = {}): Promise<DatasetSink> {
    const sink = new DatasetSink(dir, options);
    await mkdir(join(sink.temp, "data"), { recursive: true });
    return sink;
  }

  get rowsWritten(): number {
    return this.count;
  }

  async write(record: RowRecord): Promise<void> {
    if (this.shard === undefined || this.inShard >= this.shardRows) await this.nextShard();
    this.inShard++;
    this.count++;
    await (this.shard as ParquetSink).write(record);
  }

  async commit(): Promise<void> {
    try {
      if (this.shard === undefined) await this.nextShard(); // no rows: one empty shard, as the Hub expects a file
      await this.closeShard();
      const total = String(this.shardCount).padStart(5, "0");
      for (let i = 0; i < this.shardCount; i++) {
        const part = join(this.temp, "data", this.partName(i));
        await rename(
          part,
          join(this.temp, "data", `${this.split}-${String(i).padStart(5, "0")}-of-${total}.parquet`),
        );
      }
      const card = datasetCard(
        this.columns ?? [],
        [{ name: this.split, rows: this.count }],
        this.options.card ?? {},
      );
      await writeFile(join(this.temp, "README.md"), card);
      await this.swapIn();
    } catch (err) {
      await this.abort();
      throw new Error(`cannot write the dataset ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  async abort(): Promise<void> {
    await this.shard?.abort();
    this.shard = undefined;
    await rm(this.temp, { recursive: true, force: true });
  }

  private partName(i: number): string {
    return `${this.split}-${String(i).padStart(5, "0")}.part.parquet`;
  }

  private async nextShard(): Promise<void> {
    await this.closeShard();
    const path = join(this.temp, "data", this.partName(this.shardCount++));
    const { rowGroupSize } = this.options;
    this.shard = await ParquetSink.open(path, {
      ...(rowGroupSize === undefined ? {} : { rowGroupSize }),
      ...(this.columns ? { columns: this.columns } : {}),
    });
    this.inShard = 0;
  }

  private async closeShard(): Promise<void> {
    if (!this.shard) return;
    await this.shard.commit();
    this.columns ??= this.shard.schemaColumns;
    this.shard = undefined;
  }

  /** The temp folder becomes `dir`; a dataset already there is moved aside first, then removed. */
  private async swapIn(): Promise<void> {
    await mkdir(dirname(this.dir), { recursive: true });
    const old = `${this.temp}.old`;
    const hadOld = await rename(this.dir, old).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return false;
        throw err;
      },
    );
    await rename(this.temp, this.dir);
    if (hadOld) await rm(old, { recursive: true, force: true });
  }
}

function checkSplit(split: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(split))
    throw new Error(
      `split must be a name of letters, digits and _ (e.g. train, test), got ${JSON.stringify(split)}`,
    );
  return split;
}

function checkShardRows(n: number | undefined): number {
  if (n === undefined) return DEFAULT_SHARD_ROWS;
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`shardRows must be a positive integer, got ${String(n)}`);
  return n;
}
