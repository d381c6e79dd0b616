import { availableParallelism } from "node:os";
import { threadsFromEnv } from "@dataflow/retrieval";

/** Below this many questions, starting threads costs more than ranking on one. */
export const MIN_ROWS_FOR_THREADS = 1000;

/**
 * How many threads rank a step's BM25 queries: the step's `workers`, else DATAFLOW_BM25_WORKERS,
 * else every core (availableParallelism) once there are MIN_ROWS_FOR_THREADS questions. 1 ranks
 * on the step's own thread.
 */
export function miningThreads(
  workers: number | undefined,
  rows: number,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): number {
  if (workers !== undefined) return workers;
  const set = threadsFromEnv("DATAFLOW_BM25_WORKERS", env);
  if (set !== undefined) return set;
  return rows >= MIN_ROWS_FOR_THREADS ? cores : 1;
}
