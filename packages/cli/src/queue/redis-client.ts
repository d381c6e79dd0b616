import type { Redis } from "ioredis";
import type { QueueAddress } from "./queue-url.js";

/** How BullMQ connects: by URL, and without a per-command retry cap (its blocking calls need none). */
export function bullConnection(address: QueueAddress): { url: string; maxRetriesPerRequest: null } {
  return { url: address.url, maxRetriesPerRequest: null };
}

/**
 * A plain client for the run-state key, connected now: a queue that cannot be reached is an error
 * naming its (password-free) URL after a few tries, not a silent wait.
 */
export async function connectRedis(address: QueueAddress): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const client = new Redis(address.url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 3,
    // A few reconnects at start-up, then every 1 s for as long as the process runs.
    retryStrategy: (times) => Math.min(times * 200, 1000),
  });
  client.on("error", () => {}); // reported by the command that fails, not as an unhandled event
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in 10 s")), 10_000).unref()),
    ]);
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot reach the queue at ${address.shown}: ${(err as Error).message}`);
  }
  return client;
}
