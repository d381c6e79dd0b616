import { type Transferable, Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { JobPool } from "./job-pool.js";

// Doubles each number it is sent; exits with code 3 when sent a negative one.
const DOUBLER = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (ns) => {
  if (ns.some((n) => n < 0)) process.exit(3);
  parentPort.postMessage(ns.map((n) => n * 2));
});`;

interface Job {
  readonly n: number;
  readonly resolve: (value: number) => void;
  readonly reject: (error: Error) => void;
}

/** Up to `perMessage` numbers per message. */
class Doubler extends JobPool<Job, number[]> {
  readonly messages: number[][] = [];

  constructor(
    threads: number,
    private readonly perMessage: number,
  ) {
    super(
      Array.from({ length: threads }, () => new Worker(DOUBLER, { eval: true })),
      "doubling",
    );
  }

  double(ns: number[]): Promise<number[]> {
    const all = ns.map((n) => new Promise<number>((resolve, reject) => this.enqueue({ n, resolve, reject })));
    this.dispatch();
    return Promise.all(all);
  }

  protected batchSize(waiting: number, idle: number): number {
    return Math.min(this.perMessage, Math.ceil(waiting / idle));
  }

  protected encode(jobs: Job[]): { message: number[]; transfer: Transferable[] } {
    this.messages.push(jobs.map((j) => j.n));
    return { message: jobs.map((j) => j.n), transfer: [] };
  }

  protected deliver(jobs: Job[], reply: number[]): void {
    for (const [i, job] of jobs.entries()) job.resolve(reply[i] as number);
  }
}

const pools: Doubler[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function doubler(threads: number, perMessage: number): Doubler {
  const pool = new Doubler(threads, perMessage);
  pools.push(pool);
  return pool;
}

describe("JobPool", () => {
  it("answers every job in the order asked, sharing the waiting jobs between idle threads", async () => {
    const pool = doubler(2, 4);
    const ns = Array.from({ length: 21 }, (_, i) => i);
    expect(await pool.double(ns)).toEqual(ns.map((n) => n * 2));
    expect(pool.messages[0]).toHaveLength(4);
    expect(pool.messages.flat().sort((a, b) => a - b)).toEqual(ns);
  });

  it("fails the jobs in flight and waiting when a thread dies, and every later job", async () => {
    const pool = doubler(1, 2);
    await expect(pool.double([1, -1, 2, 3])).rejects.toThrow(/a doubling thread exited with code 3/);
    await expect(pool.double([5])).rejects.toThrow(/exited with code 3/);
  });

  it("fails jobs once closed", async () => {
    const pool = doubler(1, 8);
    expect(await pool.double([4])).toEqual([8]);
    await pool.close();
    await expect(pool.double([4])).rejects.toThrow(/doubling threads closed/);
  });
});
