/**
 * Runs an async build once: concurrent and later callers share its promise. A failed build is
 * forgotten so the next caller tries again (a corpus file fixed between runs, a transient 429).
 */
export class LazyOpen {
  private pending: Promise<void> | undefined;
  private done = false;

  constructor(private readonly build: (options: { signal?: AbortSignal; tag?: string }) => Promise<void>) {}

  get opened(): boolean {
    return this.done;
  }

  open(options: { signal?: AbortSignal; tag?: string } = {}): Promise<void> {
    if (this.done) return Promise.resolve();
    this.pending ??= this.build(options).then(
      () => {
        this.done = true;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }
}
