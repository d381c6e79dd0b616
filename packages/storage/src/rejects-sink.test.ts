import { readdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { RejectsSink } from "./rejects-sink.js";
import { useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("RejectsSink", () => {
  it("creates no file when there are no rejects", async () => {
    const sink = new RejectsSink(tmp("out/rejects.jsonl"));
    await sink.close();
    expect(await readdir(tmp())).toEqual([]);
    expect(sink.count).toBe(0);
  });

  it("writes one JSON record per reject, creating the file and its directories lazily", async () => {
    const path = tmp("out/rejects.jsonl");
    const sink = new RejectsSink(path);
    // Not awaited on purpose: writes issued while the file opens keep their order.
    const first = sink.write({
      rowId: "1",
      stepId: "s",
      type: "bad-output",
      message: "no JSON",
      raw: "oops",
    });
    const second = sink.write({
      rowId: "7",
      stepId: "source",
      type: "bad-input",
      message: "invalid JSON",
      location: { file: "in.jsonl", line: 7, column: 3 },
    });
    await Promise.all([first, second]);
    await sink.write({ rowId: "9", stepId: "s", type: "timeout", message: "took too long", raw: undefined });
    await sink.close();
    expect(sink.count).toBe(3);
    const lines = (await readFile(path, "utf8"))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { rowId: "1", stepId: "s", type: "bad-output", message: "no JSON", raw: "oops" },
      {
        rowId: "7",
        stepId: "source",
        type: "bad-input",
        message: "invalid JSON",
        location: { file: "in.jsonl", line: 7, column: 3 },
      },
      { rowId: "9", stepId: "s", type: "timeout", message: "took too long" },
    ]);
    expect(() => sink.write({ rowId: "x", stepId: "s", type: "t", message: "m" })).toThrow(/closed/);
  });

  it("replaces an old rejects file, or appends when asked", async () => {
    const path = tmp("rejects.jsonl");
    await writeFile(path, '{"old":true}\n');
    const replacing = new RejectsSink(path);
    await replacing.write({ rowId: "1", stepId: "s", type: "t", message: "m" });
    await replacing.close();
    expect((await readFile(path, "utf8")).split("\n").filter(Boolean)).toHaveLength(1);

    const appending = new RejectsSink(path, { append: true });
    await appending.write({ rowId: "2", stepId: "s", type: "t", message: "m" });
    await appending.close();
    expect((await readFile(path, "utf8")).split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("writes many rejects", async () => {
    const path = tmp("rejects.jsonl");
    const sink = new RejectsSink(path);
    for (let i = 0; i < 20_000; i++)
      await sink.write({ rowId: String(i), stepId: "s", type: "t", message: "m" });
    await sink.close();
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(20_000);
    expect(JSON.parse(lines[19_999] ?? "").rowId).toBe("19999");
  });
});
