/**
 * Credit-based flow control. RxJS pushes without backpressure, so the runner
 * counts rows held inside the pipeline (queued or running in row steps,
 * waiting on the sink) and the source only pulls the next row while fewer
 * than `window` are held. Memory then stays flat however large the input.
 */
export class FlowGate {
  private held = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly window: number) {}

  get size(): number {
    return this.held;
  }

  hold(n: number): void {
    this.held += n;
  }

  release(n: number): void {
    this.held -= n;
    if (this.held < this.window && this.waiters.length) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves once there is room for one more row. */
  room(): Promise<void> | undefined {
    if (this.held < this.window) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wake every waiter (on cancellation). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
