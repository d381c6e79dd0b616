import { join } from "node:path";
import type { PipelinePlan, PositionSink, RejectSink, RowSink, RowSource, Storage } from "@dataflow/core";
import {
  type FileFormat,
  FileStorage,
  PositionsFile,
  positionsFileName,
  RejectsSink,
} from "@dataflow/storage";
import { ChunkRowsSink } from "./chunk-rows.js";

/** The pipeline's input as `dataflow run` reads it (format, id column and the format's options). */
export function inputStorage(plan: PipelinePlan): FileStorage {
  return new FileStorage({
    input: {
      path: plan.source.path,
      ...(plan.source.format ? { format: plan.source.format as FileFormat } : {}),
      ...(plan.source.idColumn ? { idColumn: plan.source.idColumn } : {}),
      ...plan.source.options,
    },
    // Never written through this storage: chunks write ChunkRowsSink, the coordinator the real output.
    output: {
      path: plan.output.path,
      ...(plan.output.format ? { format: plan.output.format as FileFormat } : {}),
    },
    rejects: { path: plan.output.rejects },
  });
}

/**
 * One chunk attempt's storage: the whole pipeline source (the runner's selection keeps the chunk's
 * positions, while operators that re-read the source, such as BM25 mining over the corpus, see all of
 * it), and the attempt folder's rows.jsonl as output.
 */
export class ChunkStorage implements Storage {
  /** With steps decided over every row: each output row's source position, for the coordinator's decision. */
  readonly openPositions?: () => Promise<PositionSink>;

  constructor(
    private readonly input: FileStorage,
    private readonly attemptDir: string,
    withPositions = false,
  ) {
    if (withPositions) this.openPositions = () => PositionsFile.open(positionsFileName(this.rowsPath));
  }

  get rowsPath(): string {
    return join(this.attemptDir, "rows.jsonl");
  }

  openSource(): RowSource {
    return this.input.openSource();
  }

  openSink(): Promise<RowSink> {
    return ChunkRowsSink.open(this.rowsPath);
  }

  /** Only without a run store; chunks always have one (rejects/<step>.jsonl in the attempt folder). */
  async openRejects(): Promise<RejectSink> {
    return new RejectsSink(join(this.attemptDir, "rejects.jsonl"));
  }
}
