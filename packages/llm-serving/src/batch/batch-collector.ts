import type { BatchLine } from "./batch-line.js";
import type { BatchOptions } from "./batch-options.js";

/**
 * Lines waiting to be submitted, sealed into files: at once when the next line would pass
 * `maxRequests` or `maxBytes`, else once no line arrived for `idleMs` (so the tail goes out).
 */
export class BatchCollector {
  private readonly open = new Map<string, BatchLine>();
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: Pick<BatchOptions, "maxRequests" | "maxBytes" | "idleMs">,
    private readonly seal: (lines: BatchLine[]) => void,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Adds a line (a custom_id already waiting is not added twice). */
  add(line: BatchLine): void {
    if (this.open.has(line.customId)) return;
    if (
      this.open.size >= this.o.maxRequests ||
      (this.open.size > 0 && this.bytes + line.bytes > this.o.maxBytes)
    ) {
      this.flush();
    }
    this.open.set(line.customId, line);
    this.bytes += line.bytes;
    if (this.open.size >= this.o.maxRequests) this.flush();
    else this.rearm();
  }

  /** Drops a line no one waits for any more; true when it was still waiting here. */
  remove(customId: string): boolean {
    const line = this.open.get(customId);
    if (!line) return false;
    this.open.delete(customId);
    this.bytes -= line.bytes;
    if (this.open.size === 0) this.stop();
    return true;
  }

  /** Seals what is waiting into one file now. */
  flush(): void {
    this.stop();
    if (this.open.size === 0) return;
    const lines = [...this.open.values()];
    this.open.clear();
    this.bytes = 0;
    this.seal(lines);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private rearm(): void {
    this.stop();
    this.timer = setTimeout(() => this.flush(), this.o.idleMs);
  }
}
