import { Observable, type OperatorFunction } from "rxjs";

export function isPromiseLike<T>(v: unknown): v is PromiseLike<T> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/**
 * Like `mergeMap` with a concurrency limit, but results come out in input order.
 * Up to `concurrency` projections run at once; a slow head holds back later
 * results (kept until it finishes), not later work. Inputs beyond the limit
 * wait in a queue, which the runner's flow gate keeps short.
 */
export function orderedMergeMap<T, R>(
  project: (value: T, index: number) => R | PromiseLike<R>,
  concurrency: number,
): OperatorFunction<T, R> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${concurrency}`);
  return (source) =>
    new Observable<R>((subscriber) => {
      const pending: { value: T; index: number }[] = [];
      let pendingHead = 0;
      const done = new Map<number, R>();
      let nextIndex = 0;
      let nextEmit = 0;
      let active = 0;
      let sourceDone = false;
      let closed = false;
      let pumping = false;

      const fail = (err: unknown): void => {
        if (closed) return;
        closed = true;
        subscriber.error(err);
      };

      const finish = (index: number, result: R): void => {
        if (closed) return;
        active--;
        done.set(index, result);
        while (done.has(nextEmit)) {
          const value = done.get(nextEmit) as R;
          done.delete(nextEmit);
          nextEmit++;
          subscriber.next(value);
          if (closed) return;
        }
        pump();
      };

      const pump = (): void => {
        if (pumping) return;
        pumping = true;
        try {
          while (!closed && active < concurrency && pendingHead < pending.length) {
            const item = pending[pendingHead] as { value: T; index: number };
            pending[pendingHead++] = undefined as never;
            active++;
            let result: R | PromiseLike<R>;
            try {
              result = project(item.value, item.index);
            } catch (err) {
              fail(err);
              return;
            }
            if (isPromiseLike<R>(result)) {
              result.then((r) => finish(item.index, r), fail);
            } else {
              // Synchronous results finish in place; `pumping` stops the recursion.
              finish(item.index, result);
            }
          }
          if (pendingHead > 1024 && pendingHead * 2 > pending.length) {
            pending.splice(0, pendingHead);
            pendingHead = 0;
          }
          if (!closed && sourceDone && active === 0 && pendingHead >= pending.length) {
            closed = true;
            subscriber.complete();
          }
        } finally {
          pumping = false;
        }
      };

      const subscription = source.subscribe({
        next: (value) => {
          pending.push({ value, index: nextIndex++ });
          pump();
        },
        error: fail,
        complete: () => {
          sourceDone = true;
          pump();
        },
      });
      return () => {
        closed = true;
        subscription.unsubscribe();
      };
    });
}
