import { cancelledError } from "../serving/abort.js";

/**
 * Hands out free items (a model's context sequences) to concurrent requests, first come first
 * served; a request waits while all are busy, and stops waiting when its signal aborts.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiters: { resolve: (item: T) => void; cancel: () => void }[] = [];

  constructor(items: readonly T[]) {
    this.free = [...items];
  }

  get available(): number {
    return this.free.length;
  }

  acquire(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelledError(signal));
    const item = this.free.pop();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        resolve: (got: T) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(got);
        },
        cancel: () => reject(cancelledError(signal as AbortSignal)),
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.cancel();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(item: T): void {
    const next = this.waiters.shift();
    if (next) next.resolve(item);
    else this.free.push(item);
  }
}
