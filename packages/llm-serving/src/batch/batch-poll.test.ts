import { LLMError } from "@dataflow/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BatchClient, BatchObject } from "./batch-client.js";
import { pollBatch } from "./batch-poll.js";

afterEach(() => vi.useRealTimers());

/** A client whose retrieve answers `statuses` in turn (the last one repeats), recording when it was asked. */
function fakeClient(statuses: (string | LLMError)[]) {
  const at: number[] = [];
  let i = 0;
  const client = {
    retrieve: async (id: string): Promise<BatchObject> => {
      at.push(Date.now());
      const s = statuses[Math.min(i++, statuses.length - 1)] as string | LLMError;
      if (s instanceof LLMError) throw s;
      return { id, status: s as BatchObject["status"], input_file_id: "f" };
    },
    cancel: vi.fn(async (id: string) => ({ id, status: "cancelling", input_file_id: "f" }) as BatchObject),
  };
  return { client: client as unknown as BatchClient, at, cancel: client.cancel };
}

const gaps = (at: number[]) => at.slice(1).map((t, i) => t - (at[i] as number));

describe("pollBatch", () => {
  it("waits pollMs, then half as long again after each poll that saw no change, up to maxPollMs; a change starts over", async () => {
    vi.useFakeTimers({ now: 0 });
    const statuses = [
      "validating",
      "in_progress",
      "in_progress",
      "in_progress",
      "in_progress",
      "in_progress",
      "finalizing",
      "completed",
    ];
    const { client, at } = fakeClient(statuses);
    const seen: string[] = [];
    const polling = pollBatch(
      client,
      "b",
      { pollMs: 100, maxPollMs: 300, giveUpMs: 1e9 },
      {
        onStatus: (b) => void seen.push(b.status),
        signal: new AbortController().signal,
      },
    );
    await vi.runAllTimersAsync();
    expect((await polling)?.status).toBe("completed");
    expect(seen).toEqual(["validating", "in_progress", "finalizing", "completed"]);
    expect(gaps(at)).toEqual([100, 100, 150, 225, 300, 300, 100]);
  });

  it("keeps polling through transient failures, and throws a lasting or non-retryable one", async () => {
    vi.useFakeTimers({ now: 0 });
    const busy = new LLMError("transport", "HTTP 503", { status: 503 });
    const ok = fakeClient([busy, busy, "completed"]);
    const done = pollBatch(
      ok.client,
      "b",
      { pollMs: 10, maxPollMs: 100, giveUpMs: 1e9 },
      {
        onStatus: () => {},
        signal: new AbortController().signal,
      },
    );
    await vi.runAllTimersAsync();
    expect((await done)?.status).toBe("completed");

    const refused = new LLMError("bad-request", "HTTP 400", { status: 400 });
    const bad = fakeClient([refused]);
    const hooks = { onStatus: () => {}, signal: new AbortController().signal };
    await expect(
      pollBatch(bad.client, "b", { pollMs: 10, maxPollMs: 100, giveUpMs: 1e9 }, hooks),
    ).rejects.toBe(refused);
  });

  it("stops without an answer when aborted, and cancels a batch still running past giveUpMs", async () => {
    vi.useFakeTimers({ now: 0 });
    const stop = new AbortController();
    const slow = fakeClient(["in_progress"]);
    const stopped = pollBatch(
      slow.client,
      "b",
      { pollMs: 1_000, maxPollMs: 1_000, giveUpMs: 1e9 },
      {
        onStatus: () => {},
        signal: stop.signal,
      },
    );
    await vi.advanceTimersByTimeAsync(10);
    stop.abort();
    await vi.runAllTimersAsync();
    expect(await stopped).toBeUndefined();

    const stuck = fakeClient(["in_progress"]);
    const hooks = { onStatus: () => {}, signal: new AbortController().signal };
    const giving = pollBatch(
      stuck.client,
      "b",
      { pollMs: 1_000, maxPollMs: 1_000, giveUpMs: 3_600_000 },
      hooks,
    );
    const failed = expect(giving).rejects.toMatchObject({ kind: "timeout" });
    await vi.runAllTimersAsync();
    await failed;
    expect(stuck.cancel).toHaveBeenCalledWith("b");
  });
});
