import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KeptLookup } from "./kept-lookup.js";

const dir = mkdtempSync(join(tmpdir(), "dataflow-kept-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("KeptLookup", () => {
  it("answers in source order, for a kept row and the rows made from it", async () => {
    const path = join(dir, "kept.positions");
    writeFileSync(
      path,
      `${[
        [0, "1"],
        [3, "4"],
        [3, "4b"],
        [7, "8.1"],
        [8, "9#1"],
      ]
        .map((e) => JSON.stringify(e))
        .join("\n")}\n`,
    );
    const kept = new KeptLookup(path);
    expect(await kept.has(0, "1")).toBe(true);
    expect(await kept.has(0, "1.0")).toBe(true); // a row the kept row became
    expect(await kept.has(1, "2")).toBe(false);
    expect(await kept.has(3, "4b")).toBe(true);
    expect(await kept.has(3, "4.2")).toBe(true);
    expect(await kept.has(3, "40")).toBe(false); // a prefix of the id, not a parent
    expect(await kept.has(7, "8")).toBe(false); // only its child 8.1 was kept
    expect(await kept.has(7, "8.1")).toBe(true);
    expect(await kept.has(8, "9#10")).toBe(false); // a sibling of the kept chunk 9#1
    expect(await kept.has(8, "9#1.0")).toBe(true);
    expect(await kept.has(9, "10")).toBe(false);
    await expect(kept.has(8, "9")).rejects.toThrow(/out of order: 8 after 9/);
    await kept.close();
  });
});
