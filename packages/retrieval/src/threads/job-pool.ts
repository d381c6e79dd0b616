import type { Transferable, Worker } from "node:worker_threads";

/** A unit of work for a pool's threads; it is rejected when its thread fails or the pool closes. */
export interface PoolJob {
  readonly reject: (error: Error) => void;
}

interface Thread<J> {
  readonly worker: Worker;
  /** The jobs of the message the thread is working on. */
  jobs: J[] | undefined;
}

/**
 * Jobs queued for worker threads, each thread working on one message of jobs at a time; replies
 * come back per message, in any order across threads. Subclasses say how many waiting jobs one
 * message takes, how it is written, and how a reply is handed to its jobs. A thread that fails
 * (or close()) fails every job waiting or in flight. Idle threads do not keep the process alive.
 */
export abstract class JobPool<J extends PoolJob, Reply> {
  private readonly threads: Thread<J>[];
  private readonly queue: J[] = [];
  private failure: Error | undefined;

  /** `what` names the threads in errors: "`what` threads closed". */
  protected constructor(
    workers: readonly Worker[],
    private readonly what: string,
  ) {
    this.threads = workers.map((worker) => this.watch(worker));
  }

  get size(): number {
    return this.threads.length;
  }

  /** Why the pool stopped taking jobs (a thread failed, or close()), if it did. */
  protected get failed(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    this.fail(new Error(`${this.what} threads closed`));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  /** How many of the `waiting` jobs go in one message, with `idle` idle threads still to serve. */
  protected abstract batchSize(waiting: number, idle: number): number;

  /** The message for `jobs`, and the buffers it hands over. */
  protected abstract encode(jobs: J[]): { message: unknown; transfer: Transferable[] };

  /** Settles `jobs` from their message's reply. */
  protected abstract deliver(jobs: J[], reply: Reply): void;

  /** Queues jobs (rejected at once when the pool has failed); dispatch() sends them. */
  protected enqueue(...jobs: J[]): void {
    if (this.failure) for (const job of jobs) job.reject(this.failure);
    else this.queue.push(...jobs);
  }

  /** Sends waiting jobs to the idle threads. */
  protected dispatch(): void {
    const idle = this.threads.filter((t) => t.jobs === undefined);
    for (const [i, thread] of idle.entries()) {
      if (this.queue.length === 0) return;
      const jobs = this.queue.splice(0, Math.max(1, this.batchSize(this.queue.length, idle.length - i)));
      const { message, transfer } = this.encode(jobs);
      thread.jobs = jobs;
      thread.worker.ref();
      thread.worker.postMessage(message, transfer);
    }
  }

  private watch(worker: Worker): Thread<J> {
    const thread: Thread<J> = { worker, jobs: undefined };
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const jobs = thread.jobs ?? [];
      thread.jobs = undefined;
      worker.unref();
      this.deliver(jobs, reply);
      this.dispatch();
    });
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => {
      if (code !== 0 || thread.jobs) this.fail(new Error(`a ${this.what} thread exited with code ${code}`));
    });
    return thread;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.queue.splice(0);
    for (const thread of this.threads) {
      if (thread.jobs) waiting.push(...thread.jobs);
      thread.jobs = undefined;
    }
    for (const job of waiting) job.reject(this.failure);
  }
}
