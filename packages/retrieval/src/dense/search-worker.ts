// A search thread of a DenseSearchPool (search-pool.ts): answers query groups with searchMany over
// the owner's vectors, opened from shared memory through this thread's own query area.
import { parentPort, workerData } from "node:worker_threads";
import { FlatCosineIndex } from "./flat-index.js";
import type { SearchReply, SearchRequest, SearchWorkerData } from "./search-protocol.js";

const { index: shared, slot } = workerData as SearchWorkerData;
const index = FlatCosineIndex.fromShared(shared, slot);

parentPort?.on("message", (request: SearchRequest) => {
  parentPort?.postMessage(answer(request));
});

function answer({ id, k, n, vectors }: SearchRequest): SearchReply {
  try {
    const dims = vectors.length / n;
    const queries = Array.from({ length: n }, (_, i) => vectors.subarray(i * dims, (i + 1) * dims));
    const results = index.searchMany(queries, k);
    const pairs: number[] = [];
    for (const hits of results) for (const hit of hits) pairs.push(hit.docId, hit.score);
    return { id, counts: results.map((hits) => hits.length), hits: Float64Array.from(pairs) };
  } catch (err) {
    return { id, error: (err as Error).message };
  }
}
