import type { RejectSink, RunStore } from "@dataflow/core";
import { FileRunStore } from "@dataflow/storage";

/** Copies each chunk's rejects into the run directory's rejects/ files, chunk after chunk, so `dataflow rejects` lists them. */
export class ChunkRejects {
  private readonly sinks = new Map<string, Promise<RejectSink>>();
  count = 0;

  /** Every step's rejects file of an earlier run is replaced now, as a single-process run does. */
  constructor(
    private readonly store: RunStore,
    stepIds: readonly string[],
  ) {
    for (const id of ["source", ...stepIds]) this.sinks.set(id, store.openRejects(id));
  }

  async add(attemptDir: string): Promise<void> {
    for await (const reject of new FileRunStore({ dir: attemptDir }).readRejects()) {
      let sink = this.sinks.get(reject.stepId);
      if (!sink) {
        sink = this.store.openRejects(reject.stepId);
        this.sinks.set(reject.stepId, sink);
      }
      await (await sink).write(reject);
      this.count++;
    }
  }

  async close(): Promise<void> {
    for (const sink of this.sinks.values()) await (await sink).close();
  }
}
