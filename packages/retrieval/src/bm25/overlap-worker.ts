// A thread of precomputeOverlap (overlap-precompute.ts): computes the overlap rule's per-passage
// data for chunks of passage texts with the very function the step's thread uses lazily.
import { parentPort, workerData } from "node:worker_threads";
import type { OverlapRule } from "./overlap.js";
import { computePassage, passageArrays } from "./overlap-passage.js";

export interface OverlapChunk {
  readonly start: number;
  readonly texts: readonly string[];
}

const { rule } = workerData as { rule: OverlapRule };

parentPort?.on("message", ({ start, texts }: OverlapChunk) => {
  const n = texts.length;
  const data = passageArrays(n);
  const fpsAt = new Int32Array(n + 1);
  const parts: Uint32Array[] = [];
  for (let i = 0; i < n; i++) {
    const fps = computePassage(texts[i] as string, rule, data, i);
    parts.push(fps);
    fpsAt[i + 1] = (fpsAt[i] as number) + fps.length;
  }
  const fps = new Uint32Array(fpsAt[n] as number);
  for (let i = 0; i < n; i++) fps.set(parts[i] as Uint32Array, fpsAt[i] as number);
  const buffers = [data.hashes, data.lengths, data.wordCounts, data.shingleCounts, data.filters, fps, fpsAt];
  parentPort?.postMessage(
    { start, n, data, fps, fpsAt },
    buffers.map((b) => b.buffer as ArrayBuffer),
  );
});
