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
};
