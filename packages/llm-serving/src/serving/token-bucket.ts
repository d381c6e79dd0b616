import { ABORTED, cancelledError, raceAbort, sleep, throwIfCancelled } from "./abort.js";

/**
 * A token bucket for requests-per-minute and tokens-per-minute limits.
 * It holds at most one second's worth (so a limit is spread over the minute
 * rather than spent in a burst), and a take larger than that is let through
 * when the bucket is full, leaving it in debt, so a big request never waits forever.
 */
export class TokenBucket {
  private readonly capacity: number;
  private readonly perMs: number;
  private level: number;
  private last: number;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perMinute > 0)) throw new RangeError(`a per-minute limit must be > 0, got ${perMinute}`);
    this.perMs = perMinute / 60_000;
    this.capacity = Math.max(1, perMinute / 60);
    this.level = this.capacity;
    this.last = this.now();
  }

  /** Waits until `amount` can be taken, in arrival order; rejects (cancelled) when `signal` aborts. */
  async take(amount: number, signal?: AbortSignal): Promise<void> {
    const before = this.tail;
    let done!: () => void;
    this.tail = new Promise((resolve) => {
      done = resolve;
    });
    try {
      // A cancelled taker stops waiting for those before it (and lets those after it go).
      if (signal)
        await raceAbort(before, signal).catch((err: unknown) => {
          throw err === ABORTED ? cancelledError(signal) : err;
        });
      else await before;
      for (;;) {
        throwIfCancelled(signal);
        this.refill();
        const need = Math.min(amount, this.capacity);
        if (this.level >= need) {
          this.level -= amount;
          return;
        }
        await sleep(Math.max(1, Math.ceil((need - this.level) / this.perMs)), signal);
      }
    } finally {
      done();
    }
  }

  /** Correct an earlier take by `delta` (positive: more was used than taken). */
  adjust(delta: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level - delta);
  }

  private refill(): void {
    const t = this.now();
    this.level = Math.min(this.capacity, this.level + (t - this.last) * this.perMs);
    this.last = t;
  }
}
