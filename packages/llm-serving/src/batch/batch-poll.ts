import { LLMError } from "@dataflow/core";
import { isRetryable } from "../serving/retry-policy.js";
import type { BatchClient, BatchObject } from "./batch-client.js";
import { TERMINAL } from "./batch-journal.js";
import type { BatchOptions } from "./batch-options.js";

/** Polls in a row that may fail with a transient error before polling gives up. */
const MAX_POLL_FAILURES = 10;

export interface PollHooks {
  /** Each status seen, terminal included, for the journal and the progress lines. */
  onStatus(batch: BatchObject): void | Promise<void>;
  /** Aborted when no one waits for the batch any more: polling stops without an answer. */
  signal: AbortSignal;
}

/**
 * Polls `id` until it reaches a terminal status, waiting `pollMs` at first and half as long
 * again after each poll that saw no change, up to `maxPollMs`; a change starts over. Gives up
 * (cancelling the batch) `giveUpMs` after it started, and after repeated failures to poll.
 * Undefined when stopped.
 */
export async function pollBatch(
  client: BatchClient,
  id: string,
  o: Pick<BatchOptions, "pollMs" | "maxPollMs" | "giveUpMs">,
  hooks: PollHooks,
): Promise<BatchObject | undefined> {
  const giveUpAt = Date.now() + o.giveUpMs;
  let wait = o.pollMs;
  let last = "";
  let failures = 0;
  while (!hooks.signal.aborted) {
    let batch: BatchObject;
    try {
      batch = await client.retrieve(id);
      failures = 0;
    } catch (err) {
      if (!(err instanceof LLMError) || !isRetryable(err) || ++failures >= MAX_POLL_FAILURES) throw err;
      await pause(Math.min(o.maxPollMs, o.pollMs * 2 ** failures), hooks.signal);
      continue;
    }
    const seen = `${batch.status}:${JSON.stringify(batch.request_counts ?? {})}`;
    if (seen !== last) await hooks.onStatus(batch);
    if (TERMINAL.has(batch.status)) return batch;
    wait = seen === last ? Math.min(o.maxPollMs, Math.round(wait * 1.5)) : o.pollMs;
    last = seen;
    if (Date.now() + wait > giveUpAt) {
      await client.cancel(id).catch(() => {});
      throw new LLMError(
        "timeout",
        `batch ${id} was still ${batch.status} after ${Math.round(o.giveUpMs / 3_600_000)} h; cancelled`,
      );
    }
    await pause(wait, hooks.signal);
  }
  return undefined;
}

/** Waits `ms`, or less when `signal` aborts (the loop then ends). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
