import { firstValueFrom, from, Subject, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { orderedMergeMap } from "./ordered-merge-map.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("orderedMergeMap", () => {
  it("emits in input order whatever the completion order", async () => {
    const delays = [30, 5, 20, 1, 10, 0, 25];
    const out = await firstValueFrom(
      from(delays).pipe(
        orderedMergeMap(async (d, i) => {
          await sleep(d);
          return i;
        }, 4),
        toArray(),
      ),
    );
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("never runs more than `concurrency` projections at once, and reaches it", async () => {
    let active = 0;
    let peak = 0;
    await firstValueFrom(
      from(Array.from({ length: 50 }, (_, i) => i)).pipe(
        orderedMergeMap(async (i) => {
          active++;
          peak = Math.max(peak, active);
          await sleep(i % 3);
          active--;
          return i;
        }, 5),
        toArray(),
      ),
    );
    expect(peak).toBe(5);
  });

  it("handles synchronous projections without deep recursion", async () => {
    const n = 200_000;
    const out = await firstValueFrom(
      from(Array.from({ length: n }, (_, i) => i)).pipe(
        orderedMergeMap((i) => i * 2, 1),
        toArray(),
      ),
    );
    expect(out.length).toBe(n);
    expect(out[n - 1]).toBe((n - 1) * 2);
  });

  it("starts later work while a slow head is still running", async () => {
    const started: number[] = [];
    const input = new Subject<number>();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const done = firstValueFrom(
      input.pipe(
        orderedMergeMap(async (i) => {
          started.push(i);
          if (i === 0) await gate;
          return i;
        }, 2),
        toArray(),
      ),
    );
    for (let i = 0; i < 5; i++) input.next(i);
    input.complete();
    await sleep(10);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    release();
    expect(await done).toEqual([0, 1, 2, 3, 4]);
  });

  it("propagates a projection error as a stream error", async () => {
    await expect(
      firstValueFrom(
        from([1, 2, 3]).pipe(
          orderedMergeMap(async (i) => {
            if (i === 2) throw new Error("boom");
            return i;
          }, 2),
          toArray(),
        ),
      ),
    ).rejects.toThrow("boom");
  });

  it("completes on empty input and rejects a bad limit", async () => {
    expect(
      await firstValueFrom(
        from([] as number[]).pipe(
          orderedMergeMap((i) => i, 3),
          toArray(),
        ),
      ),
    ).toEqual([]);
    expect(() => orderedMergeMap((i: number) => i, 0)).toThrow(RangeError);
  });
});
