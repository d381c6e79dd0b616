import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CsvSource } from "./csv-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

describe("CsvSource maxRecordBytes and open quotes", () => {
  const tmp = useTempDir();

  it("stops at a record over the limit, naming the line it starts on and its size", async () => {
    const path = tmp("in.csv");
    await writeFile(path, `a,b\n1,ok\n2,"${"x".repeat(4000)}"\n3,ok\n`);
    const source = new CsvSource({ path, maxRecordBytes: 500, chunkSize: 64 });
    const seen: string[] = [];
    const read = async () => {
      for await (const item of source.read()) seen.push(item.id);
    };
    await expect(read()).rejects.toThrow(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: the CSV record starting here is at least .* over the 500 bytes limit \\(maxRecordBytes`,
      ),
    );
    expect(seen).toEqual(["1"]);
  });

  it("reads records up to the limit", async () => {
    const path = tmp("in.csv");
    await writeFile(path, `a,b\n1,"${"x".repeat(400)}"\n2,ok\n`);
    const items = await collect(new CsvSource({ path, maxRecordBytes: 500, chunkSize: 64 }).read());
    expect(items.map((i) => i.kind)).toEqual(["row", "row"]);
  });

  it("an unclosed quote in a large file is stopped by the limit at the line it opens on", async () => {
    const path = tmp("in.csv");
    const rest = Array.from({ length: 200 }, (_, i) => `${i + 10},row ${i}`).join("\n");
    await writeFile(path, `a,b\n1,ok\n2,ok\n3,"open here\n${rest}\n`);
    const source = new CsvSource({ path, maxRecordBytes: 1000, chunkSize: 128 });
    await expect(collect(source.read())).rejects.toThrow(
      /in\.csv:4: the CSV record starting here .* a quote left open/,
    );
  });

  it("an unclosed quote within the limit is a reject at the line and column where it opens", async () => {
    const path = tmp("in.csv");
    await writeFile(path, 'a,b,c\n1,ok,ok\n2,x,"open\n3,ok,ok\n4,ok,ok\n');
    const items = await collect(new CsvSource({ path }).read());
    expect(items.map((i) => i.kind)).toEqual(["row", "bad"]);
    expect(items[1]).toMatchObject({ kind: "bad", location: { file: path, line: 3, column: 5 } });
  });
});
