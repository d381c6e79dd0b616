export { AtomicFile } from "./atomic-file.js";
export { CsvSink, type CsvSinkOptions } from "./csv-sink.js";
export { CsvSource, type CsvSourceOptions } from "./csv-source.js";
export { DocumentSource, type DocumentSourceOptions } from "./documents/document-source.js";
export { DOCUMENTS_FORMAT } from "./documents/documents-format.js";
export { detectFormat, FILE_FORMATS, type FileFormat, FORMAT_KINDS, resolveFormat } from "./file-format.js";
export { FileStepCache, type StepCacheRecovery } from "./file-step-cache.js";
export {
  type FileSink,
  type FileSource,
  FileStorage,
  type FileStorageOptions,
  type OutputFormat,
  resolveOutputFormat,
} from "./file-storage.js";
export { type DatasetCardInfo, datasetCard, hfFeature } from "./hf-dataset/dataset-card.js";
export { DatasetSink, type DatasetSinkOptions } from "./hf-dataset/dataset-sink.js";
export { DatasetSource, type DatasetSourceOptions, datasetShards } from "./hf-dataset/dataset-source.js";
export { HF_DATASET_FORMAT } from "./hf-dataset/hf-dataset-format.js";
export { checkInputFile, InputFileError } from "./input-file.js";
export { JsonSink } from "./json-sink.js";
export { JsonSource, type JsonSourceOptions } from "./json-source.js";
export { JsonlSink } from "./jsonl-sink.js";
export { JsonlSource, type JsonlSourceOptions } from "./jsonl-source.js";
export { type MergePartsOptions, type MergePartsResult, mergeParts, readMergedParts } from "./merge-parts.js";
export {
  type FileSourceOptions,
  openFileSource,
  resolveSourceFormat,
  type SourceFormat,
} from "./open-source.js";
export { PARQUET_COLUMN_TYPES, type ParquetColumnType } from "./parquet-columns.js";
export { type ColumnShape, describeShape, inferColumnShape } from "./parquet-shape.js";
export { ParquetSink, type ParquetSinkOptions } from "./parquet-sink.js";
export { ParquetSource, type ParquetSourceOptions } from "./parquet-source.js";
export type { PartRow, PartToMerge } from "./part-cursor.js";
export { PositionsFile, readPositions } from "./positions-file.js";
export { register } from "./register.js";
export { RejectsSink, type RejectsSinkOptions } from "./rejects-sink.js";
export { FileRunStore, type FileRunStoreOptions } from "./run-store.js";
export { sampleColumns, sampleFileColumns } from "./sample-columns.js";
export { positionsFileName, shardFileName } from "./shard-file-name.js";
export { stepFileName, stepIdFromFileName } from "./step-file-name.js";
