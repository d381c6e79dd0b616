import { availableParallelism } from "node:os";

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
  const set = env.DATAFLOW_BM25_WORKERS?.trim();
  if (set) {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`DATAFLOW_BM25_WORKERS must be a whole number ≥ 1 (1 = no threads), got "${set}"`);
    }
    return n;
  }
  return rows >= MIN_ROWS_FOR_THREADS ? cores : 1;
}
