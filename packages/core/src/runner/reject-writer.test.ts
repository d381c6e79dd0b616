import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../testing/memory-storage.js";
import { REJECT_MESSAGE_CHARS, REJECT_RAW_CHARS, RejectWriter } from "./reject-writer.js";

describe("RejectWriter", () => {
  it("keeps a bounded prefix of a huge raw output and message, noting their full length", async () => {
    const storage = new MemoryStorage([]);
    const writer = new RejectWriter(storage, undefined);
    const raw = "x".repeat(30 * 1024 * 1024);
    writer.write({ rowId: "1", stepId: "s", type: "bad-output", message: "m".repeat(100_000), raw });
    writer.write({ rowId: "2", stepId: "s", type: "bad-output", message: "short", raw: "small" });
    expect(await writer.close()).toBeUndefined();
    const [big, small] = storage.rejects;
    expect(big?.raw?.length).toBeLessThan(REJECT_RAW_CHARS + 100);
    expect(big?.raw).toMatch(/^x+… \[cut: 31,457,280 characters in all\]$/);
    expect(big?.message.length).toBeLessThan(REJECT_MESSAGE_CHARS + 100);
    expect(big?.message).toMatch(/\[cut: 100,000 characters in all\]$/);
    expect(small).toMatchObject({ message: "short", raw: "small" });
  });
});
