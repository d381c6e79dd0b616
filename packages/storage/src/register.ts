import type { OperatorRegistry } from "@dataflow/core";
import { DOCUMENTS_FORMAT } from "./documents/documents-format.js";
import { FORMAT_KINDS } from "./file-format.js";
import { HF_DATASET_FORMAT } from "./hf-dataset/hf-dataset-format.js";

/** The plugin entry point: registers the file formats (jsonl, jsonl.gz, json, csv, parquet), documents and hf-dataset. */
export function register(registry: OperatorRegistry): void {
  for (const format of FORMAT_KINDS) registry.fileFormats.add(format);
  registry.fileFormats.add(DOCUMENTS_FORMAT);
  registry.fileFormats.add(HF_DATASET_FORMAT);
}
