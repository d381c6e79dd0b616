import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BufferedFileWriter } from "./buffered-file-writer.js";
import { useTempDir } from "./testdata/temp-dir.js";

describe("BufferedFileWriter", () => {
  const tmp = useTempDir();
  // Multi-byte characters (2, 3 and 4 bytes), texts larger than the buffer, and empty ones.
  const texts = Array.from({ length: 400 }, (_, i) =>
    i % 50 === 7
      ? "é😀€".repeat(40 + i)
      : i % 13 === 0
        ? ""
        : `${[..."aé€😀"].slice(0, 1 + (i % 4)).join("")}${i}\n`,
  );

  for (const gzip of [false, true]) {
    it(`writes every text in order through a small buffer${gzip ? ", gzipped" : ""}`, async () => {
      const path = tmp("out.txt");
      const writer = await BufferedFileWriter.open(path, { flags: "w", bufferSize: 64, gzip });
      for (const text of texts) await writer.write(text);
      await writer.close();
      const bytes = await readFile(path);
      expect((gzip ? gunzipSync(bytes) : bytes).toString("utf8")).toBe(texts.join(""));
    });
  }

  it("asks the caller to wait once a buffer is full", async () => {
    const writer = await BufferedFileWriter.open(tmp("out.txt"), { flags: "w", bufferSize: 16 });
    expect(writer.write("0123456789")).toBeUndefined();
    expect(writer.write("0123456789")).toBeInstanceOf(Promise);
    await writer.close();
  });
});
