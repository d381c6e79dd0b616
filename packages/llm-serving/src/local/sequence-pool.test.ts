import { RowError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { SequencePool } from "./sequence-pool.js";

describe("SequencePool", () => {
  it("hands out free items, queues the rest first come first served", async () => {
    const pool = new SequencePool(["a", "b"]);
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect(new Set([first, second])).toEqual(new Set(["a", "b"]));
    const order: string[] = [];
    const third = pool.acquire().then((x) => order.push(`third:${x}`));
    const fourth = pool.acquire().then((x) => order.push(`fourth:${x}`));
    pool.release(first);
    pool.release(second);
    await Promise.all([third, fourth]);
    expect(order).toEqual([`third:${first}`, `fourth:${second}`]);
    expect(pool.available).toBe(0);
  });

  it("a waiter whose signal aborts stops waiting and gets no item", async () => {
    const pool = new SequencePool([1]);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toSatisfy((e) => e instanceof RowError && e.kind === "cancelled");
    pool.release(held);
    expect(pool.available).toBe(1);
    await expect(pool.acquire(controller.signal)).rejects.toBeInstanceOf(RowError);
  });
});
