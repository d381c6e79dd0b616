import type { OverlapIndex } from "./overlap-index.js";
import type { PassageArrays } from "./overlap-passage.js";
import type { OverlapChunk } from "./overlap-worker.js";
import { startWorker } from "./start-worker.js";

// Passages per message: ~1 KB each, tens of milliseconds of work against a message's microseconds.
const CHUNK = 1024;

interface ChunkReply {
  readonly start: number;
  readonly n: number;
  readonly data: PassageArrays;
  readonly fps: Uint32Array;
  readonly fpsAt: Int32Array;
}

/**
 * Computes every passage's overlap data up front on `threads` worker threads, for a step that will
 * check most of the corpus anyway (one question per passage): the per-passage work that the index
 * otherwise does lazily on the step's thread. The data is the same either way (computePassage).
 */
export async function precomputeOverlap(
  index: OverlapIndex,
  textOf: (docId: number) => string,
  threads: number,
): Promise<void> {
  const workers = Array.from({ length: Math.max(1, threads) }, () =>
    startWorker("overlap-worker", { rule: index.rule }),
  );
  let next = 0;
  const feed = (worker: (typeof workers)[number]): boolean => {
    if (next >= index.size) return false;
    const start = next;
    const end = Math.min(index.size, start + CHUNK);
    next = end;
    const texts = Array.from({ length: end - start }, (_, i) => textOf(start + i));
    worker.postMessage({ start, texts } satisfies OverlapChunk);
    return true;
  };
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on("error", reject);
            worker.on("exit", (code) => reject(new Error(`an overlap thread exited with code ${code}`)));
            worker.on("message", (reply: ChunkReply) => {
              index.fill(reply.start, reply.n, reply.data, reply.fps, reply.fpsAt);
              if (!feed(worker)) resolve();
            });
            if (!feed(worker)) resolve();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
