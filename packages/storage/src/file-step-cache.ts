import { ftruncateSync, readSync, writeSync } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { type CachedOutcome, redact, type StepCache } from "@dataflow/core";
import { OffsetIndex } from "./offset-index.js";
import { removeStaleTemps, tempPathFor } from "./stale-temps.js";

type FileHandle = Awaited<ReturnType<typeof open>>;

/** The first line of a step cache file: which step and fingerprint its entries belong to. */
interface CacheHeader {
  fingerprint: string;
  step: string;
}

/** What opening a cache found. */
export interface StepCacheRecovery {
  /** The file was (re)started: absent, another fingerprint or step, or an unreadable header. */
  started: boolean;
  /** Bytes of a torn trailing line cut off (0 when the file ended cleanly). */
  tornBytes: number;
}

const READ_CHUNK = 1 << 20;
const NEWLINE = 0x0a;
/** Every entry line starts with these bytes: `{"id":"`. */
const ENTRY_PREFIX = Buffer.from('{"id":"');
/** ...and the id string is followed by these: `,"o":`. */
const AFTER_ID = Buffer.from(',"o":');

/**
 * A step cache in one JSONL file: a header line `{"fingerprint":…,"step":…}`,
 * then one line `{"id":…,"o":outcome}` per finished input row.
 *
 * - Memory: only an index id → (offset, length) is kept, never the outcomes;
 *   `get` reads its line with a positioned read and parses it.
 * - `put` appends the line with `writeSync` on an open file before it returns.
 *   The bytes are then in the operating system's page cache, which outlives a
 *   killed process (kill -9, a crash, an OOM kill): no fsync is needed for
 *   that, and none is done per row. A power cut or kernel crash can lose the
 *   last seconds of entries (never the ones before), which a rerun recomputes.
 * - A crash mid-`put` leaves at most one torn line at the end. Opening finds
 *   it (no final newline, or an unparseable last line) and truncates it away,
 *   so appends continue from the last whole entry.
 * - The same id put twice: the later entry wins, now and when reopened.
 * - Opening with another fingerprint (or step) than the file's starts a new
 *   file: the new header goes to a temp file renamed over the old one, so a
 *   crash leaves the old cache or the new empty one, never a mix.
 *
 * One process at a time: two writers on one file would interleave lines.
 */
export class FileStepCache implements StepCache {
  private scratch = Buffer.alloc(64 * 1024);
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly index: OffsetIndex,
    private end: number,
    /** What opening found: a new file, a torn line cut off. */
    readonly recovery: StepCacheRecovery,
  ) {}

  /** Opens (or starts) the cache file at `path` for `step` with `fingerprint`, indexing what it holds. */
  static async open(path: string, step: string, fingerprint: string): Promise<FileStepCache> {
    try {
      return await FileStepCache.openOrStart(path, step, fingerprint);
    } catch (err) {
      throw new Error(`cannot open step cache ${path}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }

  /** Entries recorded (distinct ids). */
  get size(): number {
    return this.index.size;
  }

  get(id: string): CachedOutcome | undefined {
    const entry = this.index.get(id);
    if (entry === undefined) return undefined;
    this.checkOpen();
    if (this.scratch.length < entry.length)
      this.scratch = Buffer.alloc(Math.max(entry.length, this.scratch.length * 2));
    readFully(this.fh.fd, this.scratch, entry.length, entry.offset);
    // A line the file no longer holds intact is a miss: the row is recomputed and put again.
    try {
      const parsed = JSON.parse(this.scratch.toString("utf8", 0, entry.length)) as {
        id?: unknown;
        o?: unknown;
      };
      return parsed.id === id && isOutcome(parsed.o) ? parsed.o : undefined;
    } catch {
      return undefined;
    }
  }

  put(id: string, outcome: CachedOutcome): void {
    this.checkOpen();
    // A filter's reason is a message: a secret in it is cut out (rows are data, stored as produced).
    const o = outcome.kind === "filtered" ? { ...outcome, reason: redact(outcome.reason) } : outcome;
    const bytes = Buffer.from(`${JSON.stringify({ id, o })}\n`, "utf8");
    try {
      writeFully(this.fh.fd, bytes, this.end);
    } catch (err) {
      // Cut off whatever part was written, so the next put starts on a clean line.
      try {
        ftruncateSync(this.fh.fd, this.end);
      } catch {}
      throw new Error(
        `cannot write step cache ${this.path}: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
    this.index.set(id, this.end, bytes.length - 1);
    this.end += bytes.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`step cache ${this.path} is closed`);
  }

  private static async openOrStart(path: string, step: string, fingerprint: string): Promise<FileStepCache> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, "r+");
    } catch (err) {
      if ((err as { code?: unknown }).code !== "ENOENT") throw err;
    }
    if (fh !== undefined) {
      try {
        const headerEnd = await readHeader(fh, step, fingerprint);
        if (headerEnd !== undefined) {
          const { index, end, tornBytes } = await scan(fh, headerEnd);
          if (tornBytes > 0) await fh.truncate(end);
          return new FileStepCache(path, fh, index, end, { started: false, tornBytes });
        }
      } catch (err) {
        await fh.close();
        throw err;
      }
      await fh.close();
    }
    const end = await startFile(path, { fingerprint, step });
    return new FileStepCache(path, await open(path, "r+"), new OffsetIndex(), end, {
      started: true,
      tornBytes: 0,
    });
  }
}

/** Writes a file holding just the header, atomically (temp file + rename); returns its length. */
async function startFile(path: string, header: CacheHeader): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const bytes = Buffer.from(`${JSON.stringify({ fingerprint: header.fingerprint, step: header.step })}\n`);
  const temp = tempPathFor(path);
  await removeStaleTemps(path); // a header write cut short by kill -9
  try {
    const fh = await open(temp, "wx");
    try {
      await fh.write(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return bytes.length;
}

/** The offset after the header line when it is for `step` and `fingerprint`; undefined otherwise. */
async function readHeader(fh: FileHandle, step: string, fingerprint: string): Promise<number | undefined> {
  const buf = Buffer.alloc(64 * 1024);
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  const nl = buf.subarray(0, bytesRead).indexOf(NEWLINE);
  if (nl === -1) return undefined; // empty, or a header cut short: start again
  try {
    const header = JSON.parse(buf.toString("utf8", 0, nl)) as Partial<CacheHeader>;
    return header.fingerprint === fingerprint && header.step === step ? nl + 1 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Indexes the entry lines after the header, reading a chunk at a time and
 * parsing only each line's id. Returns the index, where appends go (after the
 * last whole entry) and the bytes of a torn trailing line to cut off.
 */
async function scan(
  fh: FileHandle,
  start: number,
): Promise<{ index: OffsetIndex; end: number; tornBytes: number }> {
  const index = new OffsetIndex();
  let buf = Buffer.allocUnsafe(READ_CHUNK);
  let base = start; // file offset of buf[0]
  let filled = 0;
  // The last line is checked whole before it counts, so it is held back from the index.
  let last: { id: string | undefined; offset: number; length: number } | undefined;
  let end = start; // after the last newline seen
  for (;;) {
    if (filled === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2); // one line longer than the buffer
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const { bytesRead } = await fh.read(buf, filled, buf.length - filled, base + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
    let lineStart = 0;
    for (let nl = buf.indexOf(NEWLINE, 0); nl !== -1 && nl < filled; nl = buf.indexOf(NEWLINE, lineStart)) {
      // A line in the middle that is not an entry cannot come from put(): it is passed over.
      if (last?.id !== undefined) index.set(last.id, last.offset, last.length);
      last = { id: entryId(buf, lineStart, nl), offset: base + lineStart, length: nl - lineStart };
      lineStart = nl + 1;
      end = base + lineStart;
    }
    buf.copy(buf, 0, lineStart, filled);
    base += lineStart;
    filled -= lineStart;
  }
  const fileEnd = base + filled;
  if (last !== undefined) {
    const line = Buffer.allocUnsafe(last.length);
    readFully(fh.fd, line, last.length, last.offset);
    if (last.id !== undefined && isEntryLine(line, last.id)) index.set(last.id, last.offset, last.length);
    // Unparseable with its newline: a torn write all the same (cut from its start).
    else end = last.offset;
  }
  return { index, end, tornBytes: fileEnd - end };
}

/** The id of an entry line buf[start, end), read without parsing the outcome; undefined when it is not one. */
function entryId(buf: Buffer, start: number, end: number): string | undefined {
  const idStart = start + ENTRY_PREFIX.length;
  if (end <= idStart || buf.compare(ENTRY_PREFIX, 0, ENTRY_PREFIX.length, start, idStart) !== 0)
    return undefined;
  for (let i = idStart; i < end; i++) {
    const b = buf[i];
    if (b === 0x22) {
      // The closing quote of an id without escapes.
      if (buf.compare(AFTER_ID, 0, AFTER_ID.length, i + 1, i + 1 + AFTER_ID.length) !== 0) return undefined;
      return buf.toString("utf8", idStart, i);
    }
    if (b === 0x5c) break; // an escape: let JSON.parse read the id
  }
  try {
    const parsed = JSON.parse(buf.toString("utf8", start, end)) as { id?: unknown };
    return typeof parsed.id === "string" ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

function isEntryLine(line: Buffer, id: string): boolean {
  try {
    const parsed = JSON.parse(line.toString("utf8")) as { id?: unknown; o?: unknown };
    return parsed.id === id && isOutcome(parsed.o);
  } catch {
    return false;
  }
}

function isOutcome(value: unknown): value is CachedOutcome {
  if (typeof value !== "object" || value === null) return false;
  const o = value as { kind?: unknown; rows?: unknown; reason?: unknown };
  return (
    (o.kind === "rows" && Array.isArray(o.rows)) || (o.kind === "filtered" && typeof o.reason === "string")
  );
}

function readFully(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += n;
  }
}

/** writeSync may write less than asked: loop until all of it is in the file. */
function writeFully(fd: number, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
