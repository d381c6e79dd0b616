/** BullMQ's stalled-job settings for chunk workers. */
export interface StallSettings {
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
}

/** BullMQ's default lock: a chunk of a killed worker waits about this long before another takes it. */
export const DEFAULT_LOCK_MS = 30_000;

/**
 * A worker renews its chunk's lock every lockDuration / 2 while it runs; a killed worker's lock
 * expires, and the next stalled check (every stalledInterval, by any live worker) puts the chunk back
 * in the queue. Checks at half the lock keep the hand-over near one lock duration. A chunk may be
 * handed over 3 times (a worker killed while holding it each time, e.g. out of memory) before it fails.
 * A chunk's CPU-bound stretch (an index build) must stay under lockDuration, or the lock lapses while
 * the worker is alive: the chunk then runs twice, harmlessly (attempts are separate; see seedAttempt).
 */
export function stallSettings(lockMs = DEFAULT_LOCK_MS): StallSettings {
  if (!Number.isInteger(lockMs) || lockMs < 100)
    throw new RangeError(`--lock-ms ${lockMs}: expected a whole number ≥ 100`);
  return { lockDuration: lockMs, stalledInterval: Math.max(50, Math.floor(lockMs / 2)), maxStalledCount: 3 };
}
