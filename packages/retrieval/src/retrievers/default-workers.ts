import { availableParallelism } from "node:os";

/** Below this many passages, starting threads costs more than ranking on one. */
export const MIN_PASSAGES_FOR_THREADS = 1000;

/**
 * A retriever's ranking threads: as given, else $DATAFLOW_RETRIEVER_WORKERS, else every core once
 * the corpus has MIN_PASSAGES_FOR_THREADS passages. 1 ranks on the calling thread.
 */
export function rankingThreads(
  workers: number | undefined,
  passages: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (workers !== undefined) return workers;
  const set = threadsFromEnv("DATAFLOW_RETRIEVER_WORKERS", env);
  if (set !== undefined) return set;
  return passages >= MIN_PASSAGES_FOR_THREADS ? availableParallelism() : 1;
}

/** A thread count from environment variable `name`, or undefined when it is unset or blank. */
export function threadsFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const set = env[name]?.trim();
  if (!set) return undefined;
  const n = Number(set);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${name} must be a whole number ≥ 1 (1 = no threads), got "${set}"`);
  }
  return n;
}
