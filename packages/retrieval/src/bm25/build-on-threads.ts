import type { AnalyseChunk, AnalysedChunk } from "./analyze-worker.js";
import { CompactBm25Builder, type CompactBm25Index, type CompactBm25Options } from "./compact-index.js";
import { startWorker } from "./start-worker.js";

// Documents per message, and messages each thread may hold, so it never waits for the next one.
const CHUNK = 512;
const AHEAD = 2;

/**
 * CompactBm25Index.fromTexts with the analysis (tokenising, stemming) on `threads` worker threads:
 * each chunk's documents come back as term indexes and are added in document order, so the index
 * (term ids included) is the one fromTexts builds. Only for the default analyzer. `texts` is an array
 * or anything that slices like one (a corpus whose texts stay in their file).
 */
export async function buildOnThreads(
  texts: { readonly length: number; slice(start: number, end: number): readonly string[] },
  options: Omit<CompactBm25Options, "analyzer"> = {},
  threads = 2,
): Promise<CompactBm25Index> {
  const builder = new CompactBm25Builder(options);
  const chunks = Math.ceil(texts.length / CHUNK);
  const workers = Array.from({ length: Math.max(1, threads) }, () =>
    startWorker("analyze-worker", undefined),
  );
  const arrived = new Map<number, AnalysedChunk>();
  let sent = 0;
  let added = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (worker: (typeof workers)[number]): void => {
        if (sent >= chunks) return;
        const chunk = sent++;
        const part = texts.slice(chunk * CHUNK, (chunk + 1) * CHUNK);
        worker.postMessage({ chunk, texts: part } satisfies AnalyseChunk);
      };
      for (const worker of workers) {
        worker.on("error", reject);
        worker.on("exit", (code) => reject(new Error(`a BM25 analysis thread exited with code ${code}`)));
        worker.on("message", (reply: AnalysedChunk) => {
          arrived.set(reply.chunk, reply);
          send(worker);
          // Chunks are added in order; one that came early waits for those before it.
          for (let next = arrived.get(added); next; next = arrived.get(added)) {
            arrived.delete(added++);
            builder.addAnalysed(next.terms, next.ids, next.ends);
          }
          if (added === chunks) resolve();
        });
        for (let i = 0; i < AHEAD; i++) send(worker);
      }
      if (chunks === 0) resolve();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return builder.build();
}
