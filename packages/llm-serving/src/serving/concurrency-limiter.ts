import { cancelledError } from "./abort.js";

interface Waiter {
  grant: (release: () => void) => void;
  done: boolean;
}

/** A FIFO queue with O(1) shift, for tens of thousands of waiting requests. */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact now and then so a long run does not keep a huge sparse array.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * At most `limit` holders at once. Waiters are served first come, first
 * served, except that `priority` waiters (requests coming back from a retry
 * backoff) go before fresh ones: they were admitted earlier and gave their slot
 * up while they waited.
 */
export class ConcurrencyLimiter {
  readonly limit: number;
  private active = 0;
  private readonly priority = new Queue<Waiter>();
  private readonly fresh = new Queue<Waiter>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency limit must be a whole number ≥ 1, got ${limit}`);
    this.limit = limit;
  }

  /** Slots in use now. */
  get inUse(): number {
    return this.active;
  }

  /** Resolves with a release function once a slot is free; rejects (cancelled) if `signal` aborts first. */
  acquire(signal?: AbortSignal, priority = false): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelledError(signal));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        done: false,
        grant: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        // Left in the queue, marked done: the dispatcher skips it.
        waiter.done = true;
        reject(cancelledError(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      (priority ? this.priority : this.fresh).push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOver();
    };
  }

  /** Give the freed slot to the next live waiter, or return it to the pool. */
  private handOver(): void {
    for (;;) {
      const next = this.priority.shift() ?? this.fresh.shift();
      if (!next) {
        this.active--;
        return;
      }
      if (next.done) continue;
      next.done = true;
      next.grant(this.releaser());
      return;
    }
  }
}
