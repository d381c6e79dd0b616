import { type FileHandle, mkdir, open, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  DIGEST_BYTES,
  decodeRecord,
  type EmbeddingRecord,
  findMagic,
  isWholeRecord,
  RECORD_HEADER_BYTES,
  recordLength,
} from "./embedding-record.js";

// The scan reads the file this much at a time, never whole: a million 384-d vectors are 1.6 GB.
const SCAN_CHUNK_BYTES = 4 << 20;
// Reads of records close together become one read, of at most this much.
const READ_GAP_BYTES = 16 << 10;
const READ_MAX_BYTES = 4 << 20;
// Scattered hits are read a few at a time, so the file system's thread pool works in parallel.
const READS_AT_ONCE = 4;
// One append writes at most this much; a bigger backlog is written in several.
const WRITE_MAX_BYTES = 8 << 20;

/** What a segment holds and has done, for diagnostics and tests. */
export interface SegmentStats {
  /** Distinct keys indexed. */
  records: number;
  /** Appends written (each one write of whole records) since this process opened the segment. */
  writes: number;
  /** Damaged stretches the last scan skipped (a torn tail, a corrupt record). */
  damaged: number;
  /** Bytes of whole records: where the next append lands. */
  bytes: number;
}

/** The open file, its index and who uses it; replaced when the file at the path is another. */
interface OpenFile {
  fh: FileHandle;
  dev: number;
  ino: number;
  end: number;
  damaged: number;
  /** Key digest (latin1, 32 chars) → record number; offsets and lengths by record number. */
  slots: Map<string, number>;
  offsets: Float64Array;
  lengths: Uint32Array;
  count: number;
  users: number;
  retired: boolean;
}

interface Queued {
  keys: string[];
  records: Buffer[];
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * An append-only file of embedding records, with an in-memory index of key → record built by
 * one scan on first use. Damaged stretches (a torn last record after a crash, a corrupt record)
 * are skipped by finding the next record marker, and a damaged tail is cut off, so the next
 * append follows the last good record. Appends queued while one is written go out together as
 * one write. Every read checks the record's key and checksum: a stale index entry is a miss,
 * never another text's vector.
 *
 * Get one with `embeddingSegment(path)`: one instance per file per process.
 */
export class EmbeddingSegment {
  private opening: Promise<OpenFile> | undefined;
  private opened: OpenFile | undefined;
  private readonly queue: Queued[] = [];
  private flushing: Promise<void> | undefined;
  private writes = 0;

  constructor(readonly path: string) {}

  /** Records by key digest (latin1), in order; undefined where absent or damaged. */
  async get(keys: readonly string[]): Promise<(EmbeddingRecord | undefined)[]> {
    const out: (EmbeddingRecord | undefined)[] = new Array(keys.length).fill(undefined);
    const file = await this.acquire();
    try {
      const wanted: { i: number; slot: number; offset: number }[] = [];
      for (const [i, key] of keys.entries()) {
        const slot = file.slots.get(key);
        if (slot !== undefined) wanted.push({ i, slot, offset: file.offsets[slot] ?? 0 });
      }
      wanted.sort((a, b) => a.offset - b.offset);
      // Records close together in the file are read together.
      const groups: { start: number; end: number; members: typeof wanted }[] = [];
      let g = 0;
      while (g < wanted.length) {
        const first = wanted[g] as (typeof wanted)[number];
        const start = first.offset;
        let end = start + (file.lengths[first.slot] ?? 0);
        let h = g + 1;
        for (; h < wanted.length; h++) {
          const next = wanted[h] as (typeof wanted)[number];
          const nextEnd = Math.max(end, next.offset + (file.lengths[next.slot] ?? 0));
          if (next.offset - end > READ_GAP_BYTES || nextEnd - start > READ_MAX_BYTES) break;
          end = nextEnd;
        }
        groups.push({ start, end, members: wanted.slice(g, h) });
        g = h;
      }
      const readGroup = async ({ start, end, members }: (typeof groups)[number]) => {
        const bytes = await readAt(file.fh, start, end - start);
        for (const { i, slot, offset } of members) {
          const at = offset - start;
          const record = decodeRecord(bytes.subarray(at, at + (file.lengths[slot] ?? 0)));
          const key = keys[i] as string;
          if (record && record.digest.toString("latin1") === key) out[i] = record;
          else if (file.slots.get(key) === slot) file.slots.delete(key);
        }
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(READS_AT_ONCE, groups.length) }, async () => {
          while (next < groups.length) await readGroup(groups[next++] as (typeof groups)[number]);
        }),
      );
    } finally {
      this.release(file);
    }
    return out;
  }

  /**
   * Appends whole records (from `encodeRecord`) under their key digests (latin1); resolves once
   * written. Calls made while another append is written, or in the same tick, share one write.
   */
  append(entries: readonly { key: string; record: Buffer }[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let bytes = 0;
      for (const e of entries) {
        if (e.record.length < RECORD_HEADER_BYTES || Buffer.byteLength(e.key, "latin1") !== DIGEST_BYTES)
          throw new RangeError("append takes whole records under 32-byte key digests");
        bytes += e.record.length;
      }
      this.queue.push({
        keys: entries.map((e) => e.key),
        records: entries.map((e) => e.record),
        bytes,
        resolve,
        reject,
      });
      this.flushing ??= this.flush();
    });
  }

  /** Counts as of now; opens (and scans) the segment if not yet open. */
  async stats(): Promise<SegmentStats> {
    const file = await this.acquire();
    this.release(file);
    return { records: file.slots.size, writes: this.writes, damaged: file.damaged, bytes: file.end };
  }

  /** Waits for queued appends, then closes the file (once reads on it finish); a later use reopens it. */
  async close(): Promise<void> {
    await this.flushing;
    const file = await this.opening?.catch(() => undefined);
    if (file) this.retire(file);
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let file: OpenFile;
        try {
          file = await this.acquire();
        } catch (err) {
          for (const q of this.queue.splice(0)) q.reject(err);
          return;
        }
        // Taken after the wait for the file: whatever was queued meanwhile goes in this write.
        const batch: Queued[] = [];
        let size = 0;
        while (
          this.queue.length > 0 &&
          (batch.length === 0 || size + (this.queue[0]?.bytes ?? 0) <= WRITE_MAX_BYTES)
        ) {
          const q = this.queue.shift() as Queued;
          batch.push(q);
          size += q.bytes;
        }
        try {
          await this.write(file, batch);
          for (const q of batch) q.resolve();
        } catch (err) {
          // A partial write leaves a torn tail: the next use reopens, rescans and cuts it off.
          this.retire(file);
          for (const q of batch) q.reject(err);
        } finally {
          this.release(file);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(file: OpenFile, batch: Queued[]): Promise<void> {
    const records = batch.flatMap((q) => q.records);
    const bytes = Buffer.concat(records);
    const at = file.end;
    let written = 0;
    // Bounded: each round writes at least one byte or throws.
    while (written < bytes.length) {
      const { bytesWritten } = await file.fh.write(bytes, written, bytes.length - written);
      if (bytesWritten <= 0) throw new Error(`cannot append to ${this.path}: nothing written`);
      written += bytesWritten;
    }
    this.writes++;
    // The file is opened for append: the records went to its end. Were that not where this
    // process thought (another process appended too), they are left for the next scan to find.
    const { size } = await file.fh.stat();
    if (size === at + bytes.length) {
      let offset = at;
      const keys = batch.flatMap((q) => q.keys);
      for (const [j, record] of records.entries()) {
        index(file, keys[j] as string, offset, record.length);
        offset += record.length;
      }
    }
    file.end = size;
  }

  /** The open file, reopened when the path now names another file (the cache folder was cleared). */
  private async acquire(): Promise<OpenFile> {
    let file = await this.current();
    file.users++;
    if ((await this.stillAt(file)) && !file.retired) return file;
    this.release(file);
    this.retire(file);
    file = await this.current();
    file.users++;
    return file;
  }

  private release(file: OpenFile): void {
    file.users--;
    if (file.retired && file.users === 0) void file.fh.close().catch(() => {});
  }

  private retire(file: OpenFile): void {
    if (!file.retired) {
      file.retired = true;
      if (this.opened === file) {
        this.opened = undefined;
        this.opening = undefined;
      }
    }
    if (file.users === 0) void file.fh.close().catch(() => {});
  }

  private current(): Promise<OpenFile> {
    if (!this.opening) {
      const opening = this.open().then((file) => {
        this.opened = file;
        return file;
      });
      // A failed open is tried again by the next call, not remembered.
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
      this.opening = opening;
    }
    return this.opening;
  }

  private async stillAt(file: OpenFile): Promise<boolean> {
    try {
      const now = await stat(this.path);
      return now.ino === file.ino && now.dev === file.dev;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== "ENOENT";
    }
  }

  private async open(): Promise<OpenFile> {
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(this.path, "a+");
    try {
      const { size, dev, ino } = await fh.stat();
      const file: OpenFile = {
        fh,
        dev,
        ino,
        end: 0,
        damaged: 0,
        slots: new Map(),
        offsets: new Float64Array(1024),
        lengths: new Uint32Array(1024),
        count: 0,
        users: 0,
        retired: false,
      };
      const { end, damaged } = await scan(fh, size, (key, offset, length) =>
        index(file, key, offset, length),
      );
      // Cut a damaged tail off, so the next record follows the last good one.
      if (end < size) await fh.truncate(end);
      file.end = end;
      file.damaged = damaged;
      return file;
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
  }
}

const segments = new Map<string, EmbeddingSegment>();

/** The one segment object of this process for `path`, so servings sharing a folder share its writes. */
export function embeddingSegment(path: string): EmbeddingSegment {
  const at = resolve(path);
  let segment = segments.get(at);
  if (!segment) {
    segment = new EmbeddingSegment(at);
    segments.set(at, segment);
  }
  return segment;
}

function index(file: OpenFile, key: string, offset: number, length: number): void {
  if (file.count === file.offsets.length) {
    const offsets = new Float64Array(file.count * 2);
    offsets.set(file.offsets);
    file.offsets = offsets;
    const lengths = new Uint32Array(file.count * 2);
    lengths.set(file.lengths);
    file.lengths = lengths;
  }
  file.offsets[file.count] = offset;
  file.lengths[file.count] = length;
  file.slots.set(key, file.count);
  file.count++;
}

/**
 * Visits each whole record of the file's first `size` bytes, in chunks; returns where the last
 * one ends and how many damaged stretches were skipped on the way.
 */
async function scan(
  fh: FileHandle,
  size: number,
  visit: (key: string, offset: number, length: number) => void,
): Promise<{ end: number; damaged: number }> {
  const window = new ReadWindow(fh, size);
  let pos = 0;
  let end = 0;
  let damaged = 0;
  // Bounded: every round moves `pos` forward or stops.
  while (pos < size) {
    const length = recordLength(await window.at(pos, RECORD_HEADER_BYTES));
    if (length !== undefined && pos + length <= size) {
      const record = await window.at(pos, length);
      if (isWholeRecord(record)) {
        visit(record.toString("latin1", 4, 4 + DIGEST_BYTES), pos, length);
        pos += length;
        end = pos;
        continue;
      }
    }
    damaged++;
    const next = await nextMagic(window, pos + 1, size);
    if (next < 0) break;
    pos = next;
  }
  return { end, damaged };
}

async function nextMagic(window: ReadWindow, from: number, size: number): Promise<number> {
  let pos = from;
  while (pos < size) {
    const bytes = await window.at(pos, SCAN_CHUNK_BYTES);
    const found = findMagic(bytes, 0);
    if (found >= 0) return pos + found;
    if (bytes.length <= 3) return -1;
    // A marker may straddle the chunk's end.
    pos += bytes.length - 3;
  }
  return -1;
}

/** A moving view of a file: the bytes asked for, read a chunk at a time into one reused buffer. */
class ReadWindow {
  private buffer = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
  private start = 0;
  private filled = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
  ) {}

  /** Bytes [pos, pos + length) of the file, fewer at its end; valid until the next call. */
  async at(pos: number, length: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.size - pos));
    if (pos >= this.start && pos + want <= this.start + this.filled)
      return this.buffer.subarray(pos - this.start, pos - this.start + want);
    if (want > this.buffer.length) this.buffer = Buffer.allocUnsafe(want);
    const fill = Math.min(this.buffer.length, this.size - pos);
    this.filled = await readInto(this.fh, this.buffer, fill, pos);
    this.start = pos;
    return this.buffer.subarray(0, Math.min(want, this.filled));
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return buffer.subarray(0, await readInto(fh, buffer, length, position));
}

/** Reads `length` bytes at `position` into `buffer`; fewer only at the end of the file. */
async function readInto(fh: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  // Bounded: every round reads at least one byte or stops.
  while (done < length) {
    const { bytesRead } = await fh.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
