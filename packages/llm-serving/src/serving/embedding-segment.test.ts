import { createHash } from "node:crypto";
import { appendFile, mkdtemp, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeRecord, RECORD_HEADER_BYTES } from "./embedding-record.js";
import { EmbeddingSegment, embeddingSegment } from "./embedding-segment.js";

let dir: string | undefined;
const opened: EmbeddingSegment[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A segment object of its own, as a new process would have. */
function segmentAt(path: string): EmbeddingSegment {
  const segment = new EmbeddingSegment(path);
  opened.push(segment);
  return segment;
}

async function segmentPath(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "dataflow-segment-"));
  return join(dir, "embeddings", "s.bin");
}

const digestOf = (text: string) => createHash("sha256").update(text).digest();
const keyOf = (text: string) => digestOf(text).toString("latin1");
const vectorOf = (i: number, dims: number) => Float32Array.from({ length: dims }, (_, d) => i + d / 1024);
const entry = (text: string, vector: Float32Array, model = "m") => ({
  key: keyOf(text),
  record: encodeRecord(digestOf(text), model, vector),
});

describe("EmbeddingSegment", () => {
  it("appends records and reads them back by key; absent keys are misses", async () => {
    const path = await segmentPath();
    const segment = segmentAt(path);
    expect(await segment.get([keyOf("a")])).toEqual([undefined]);
    await segment.append([entry("a", vectorOf(1, 4), "m-v2"), entry("b", vectorOf(2, 4))]);
    const [a, missing, b] = await segment.get([keyOf("a"), keyOf("zzz"), keyOf("b")]);
    expect(a).toEqual({ digest: digestOf("a"), model: "m-v2", vector: vectorOf(1, 4) });
    expect(missing).toBeUndefined();
    expect(b?.vector).toEqual(vectorOf(2, 4));
    // Stored again, a key reads back as stored last.
    await segment.append([entry("a", vectorOf(9, 4))]);
    expect((await segment.get([keyOf("a")]))[0]?.vector).toEqual(vectorOf(9, 4));
    expect(await segment.stats()).toMatchObject({ records: 2, writes: 2, damaged: 0 });
  });

  it("rebuilds its index from a file of many records, read in chunks, in a new instance", async () => {
    const path = await segmentPath();
    const writer = segmentAt(path);
    // 3000 × 384 floats: 4.7 MB, past one scan chunk and one grouped read, so records straddle both.
    const n = 3000;
    const texts = Array.from({ length: n }, (_, i) => `text ${i}`);
    for (let i = 0; i < n; i += 250)
      await writer.append(texts.slice(i, i + 250).map((t, j) => entry(t, vectorOf(i + j, 384))));
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThan(4 << 20);

    const reader = segmentAt(path);
    expect(await reader.stats()).toEqual({ records: n, writes: 0, damaged: 0, bytes: size });
    const shuffled = texts.map((_, i) => (i * 7) % n);
    const got = await reader.get(shuffled.map((i) => keyOf(texts[i] as string)));
    const wrong = shuffled.filter((i, j) => {
      const v = got[j]?.vector;
      return !v || !Buffer.from(v.buffer).equals(Buffer.from(vectorOf(i, 384).buffer));
    });
    expect(wrong).toEqual([]);
  });

  it.each([1, RECORD_HEADER_BYTES - 1, RECORD_HEADER_BYTES + 10, -1])(
    "ignores a torn last record (%i bytes of it) and appends after the last good one",
    async (cut) => {
      const path = await segmentPath();
      await segmentAt(path).append([entry("a", vectorOf(1, 8)), entry("b", vectorOf(2, 8))]);
      const good = (await stat(path)).size;
      // A crash mid-append: part of the next record, no more.
      await appendFile(path, entry("c", vectorOf(3, 8)).record.subarray(0, cut));

      const reopened = segmentAt(path);
      expect(await reopened.stats()).toMatchObject({ records: 2, damaged: 1, bytes: good });
      expect((await stat(path)).size).toBe(good);
      const [a, c] = await reopened.get([keyOf("a"), keyOf("c")]);
      expect(a?.vector).toEqual(vectorOf(1, 8));
      expect(c).toBeUndefined();

      await reopened.append([entry("c", vectorOf(3, 8))]);
      const again = segmentAt(path);
      expect(await again.stats()).toMatchObject({ records: 3, damaged: 0 });
      expect((await again.get([keyOf("c")]))[0]?.vector).toEqual(vectorOf(3, 8));
    },
  );

  it("skips a corrupt record, and a garbled length, finding the records after them", async () => {
    const path = await segmentPath();
    const records = ["a", "b", "c", "d"].map((t, i) => entry(t, vectorOf(i, 8)));
    await segmentAt(path).append(records);
    const bytes = await readFile(path);
    const length = records[0]?.record.length ?? 0;
    // b: one value changed; c: its vector length garbled into one past the end of the file.
    bytes[length + RECORD_HEADER_BYTES + 5] = (bytes[length + RECORD_HEADER_BYTES + 5] ?? 0) ^ 1;
    bytes.writeUInt32LE(1000, 2 * length + 36);
    await writeFile(path, bytes);

    const reopened = segmentAt(path);
    expect(await reopened.stats()).toMatchObject({ records: 2, damaged: 2, bytes: bytes.length });
    const got = await reopened.get(["a", "b", "c", "d"].map(keyOf));
    expect(got.map((r) => r?.vector[0])).toEqual([0, undefined, undefined, 3]);
  });

  it("misses a record damaged on disk after it was indexed, and takes it again", async () => {
    const path = await segmentPath();
    const segment = segmentAt(path);
    await segment.append([entry("a", vectorOf(1, 8))]);
    const fh = await open(path, "r+");
    await fh.write(Buffer.from([0xff]), 0, 1, RECORD_HEADER_BYTES + 3);
    await fh.close();
    expect(await segment.get([keyOf("a")])).toEqual([undefined]);
    await segment.append([entry("a", vectorOf(1, 8))]);
    expect((await segment.get([keyOf("a")]))[0]?.vector).toEqual(vectorOf(1, 8));
  });

  it("writes appends queued together as one", async () => {
    const path = await segmentPath();
    const segment = segmentAt(path);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => segment.append([entry(`t${i}`, vectorOf(i, 8))])),
    );
    expect(await segment.stats()).toMatchObject({ records: 100, writes: 1 });
  });

  it("starts afresh when the file is deleted under it", async () => {
    const path = await segmentPath();
    const segment = segmentAt(path);
    await segment.append([entry("a", vectorOf(1, 8))]);
    await rm(dir ?? "", { recursive: true, force: true });
    expect(await segment.get([keyOf("a")])).toEqual([undefined]);
    await segment.append([entry("b", vectorOf(2, 8))]);
    expect(await segmentAt(path).stats()).toMatchObject({ records: 1 });
  });

  it("closes once queued appends are written, and reopens on the next use", async () => {
    const path = await segmentPath();
    const segment = segmentAt(path);
    const appended = segment.append([entry("a", vectorOf(1, 8))]);
    await segment.close();
    await appended;
    expect((await segment.get([keyOf("a")]))[0]?.vector).toEqual(vectorOf(1, 8));
  });

  it("is one object per file path in a process", async () => {
    const path = await segmentPath();
    expect(embeddingSegment(path)).toBe(embeddingSegment(join(path, "..", "s.bin")));
    expect(embeddingSegment(path)).not.toBe(embeddingSegment(`${path}.other`));
  });
});
