import { silentLogger } from "@dataflow/core";
import { describe, expect, it, vi } from "vitest";
import { CacheWrites } from "./cache-writes.js";

describe("CacheWrites", () => {
  it("runs writes, never failing for one, and warns about the first failure only", async () => {
    const logger = { ...silentLogger, warn: vi.fn() };
    const writes = new CacheWrites("s", logger);
    const done = vi.fn(async () => {});
    await writes.run(done);
    expect(done).toHaveBeenCalledTimes(1);
    await writes.run(() => Promise.reject(new Error("read-only file system")));
    await writes.run(() => Promise.reject(new Error("again")));
    expect(logger.warn.mock.calls).toEqual([
      ['serving "s": cannot write the response cache: read-only file system'],
    ]);
  });
});
