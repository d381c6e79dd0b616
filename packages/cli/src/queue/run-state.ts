/** What the coordinator keeps under runStateKey: whether its run is going or finished, and since when. */
export interface RunState {
  phase: "running" | "finished";
  /** The Redis server's clock (ms) when the phase began: one clock for every machine. */
  at: number;
}

export function formatRunState(state: RunState): string {
  return `${state.phase} ${state.at}`;
}

export function parseRunState(text: string | null | undefined): RunState | undefined {
  const m = /^(running|finished) (\d+)$/.exec(text ?? "");
  return m ? { phase: m[1] as RunState["phase"], at: Number(m[2]) } : undefined;
}

/**
 * For `dataflow worker --until-done`: whether a run finished after this worker started (both on the
 * Redis server's clock). A finished state left by an earlier run, before the worker started, does not
 * count: the worker waits for the next coordinator.
 */
export function finishedSince(state: RunState | undefined, workerStartedAt: number): boolean {
  return state?.phase === "finished" && state.at >= workerStartedAt;
}

/** The Redis server's clock in ms (TIME), so coordinator and workers on different machines agree. */
export async function redisNow(redis: { time(): Promise<(string | number)[]> }): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
