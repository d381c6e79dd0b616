import { readdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FileStorage } from "./file-storage.js";
import { InputFileError } from "./input-file.js";
import { JsonSource } from "./json-source.js";
import { JsonlSource } from "./jsonl-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("FileStorage", () => {
  it("reads, writes atomically and records rejects", async () => {
    await writeFile(tmp("in.jsonl"), '{"id":"x","t":1}\n{"id":"y","t":2}\n{"id":"z","t":3}\n');
    const storage = new FileStorage({
      input: { path: tmp("in.jsonl"), idColumn: "id", limit: 2 },
      output: { path: tmp("out/out.json") },
      rejects: { path: tmp("out/rejects.jsonl") },
    });
    expect(storage.inputFormat).toBe("jsonl");
    expect(storage.outputFormat).toBe("json");
    await storage.checkInput();
    const source = storage.openSource();
    expect(source).toBeInstanceOf(JsonlSource);
    const items = await collect(source.read());
    expect(items.map((i) => i.id)).toEqual(["x", "y"]);

    const sink = await storage.openSink();
    const rejects = await storage.openRejects();
    for (const item of items) if (item.kind === "row") await sink.write({ id: item.id, row: item.row });
    await rejects.write({ rowId: "y", stepId: "s", type: "bad-output", message: "m" });
    await rejects.close();
    await sink.commit();
    expect(JSON.parse(await readFile(tmp("out/out.json"), "utf8"))).toEqual([
      { id: "x", t: 1 },
      { id: "y", t: 2 },
    ]);
    expect((await readdir(tmp("out"))).sort()).toEqual(["out.json", "rejects.jsonl"]);
  });

  it("honours explicit formats", () => {
    const storage = new FileStorage({
      input: { path: tmp("in.txt"), format: "json" },
      output: { path: tmp("out.data"), format: "jsonl" },
      rejects: { path: tmp("r.jsonl") },
    });
    expect(storage.openSource()).toBeInstanceOf(JsonSource);
    expect(storage.outputFormat).toBe("jsonl");
  });

  it("rejects an unknown extension or a bad limit at construction", () => {
    const rejects = { path: tmp("r.jsonl") };
    expect(
      () => new FileStorage({ input: { path: "data/in.parquet" }, output: { path: "o.jsonl" }, rejects }),
    ).toThrow(/cannot tell the format of data\/in\.parquet.*supported formats are jsonl/);
    expect(
      () => new FileStorage({ input: { path: "in.jsonl" }, output: { path: "out.txt" }, rejects }),
    ).toThrow(/out\.txt/);
    expect(
      () =>
        new FileStorage({ input: { path: "in.jsonl", limit: 1.5 }, output: { path: "o.jsonl" }, rejects }),
    ).toThrow(/limit/);
  });

  it("reports a missing input from checkInput()", async () => {
    const storage = new FileStorage({
      input: { path: tmp("missing.jsonl") },
      output: { path: tmp("o.jsonl") },
      rejects: { path: tmp("r.jsonl") },
    });
    await expect(storage.checkInput()).rejects.toBeInstanceOf(InputFileError);
    await expect(storage.checkInput()).rejects.toThrow(`input file not found: ${tmp("missing.jsonl")}`);
  });
});
