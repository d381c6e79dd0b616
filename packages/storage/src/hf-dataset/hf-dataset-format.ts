import { statSync } from "node:fs";
import { join } from "node:path";
import type { FileFormatKind } from "@dataflow/core";

/** A folder with a `data/` folder in it: a Hugging Face dataset. */
export function isDatasetDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && statSync(join(path, "data")).isDirectory();
  } catch {
    return false;
  }
}

/** The `hf-dataset` format, as registered with the pipeline compiler (see register.ts). */
export const HF_DATASET_FORMAT: FileFormatKind & { name: "hf-dataset" } = {
  name: "hf-dataset",
  extensions: [],
  description:
    "a Hugging Face dataset folder: Parquet or JSONL shards under data/ named <split>-00000-of-00001.parquet, and a README.md dataset card when written",
  claims: isDatasetDir,
  claimsDescription: "a folder with data/ in it",
  writesFolder: true,
  sourceOptions: {
    split: {
      type: "string",
      pattern: "^[A-Za-z0-9_]+$",
      description: "hf-dataset: the split to read (default train, or the only split there is)",
    },
  },
  outputOptions: {
    split: {
      type: "string",
      pattern: "^[A-Za-z0-9_]+$",
      description: "hf-dataset: the split the rows form (default train)",
    },
    shardRows: {
      type: "integer",
      minimum: 1,
      description: "hf-dataset: rows per Parquet shard (default 100000)",
    },
    license: {
      type: "string",
      minLength: 1,
      description:
        "hf-dataset: the license id the dataset card states (e.g. apache-2.0, cc-by-4.0; default other)",
    },
  },
};
