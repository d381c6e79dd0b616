import type { RunStore } from "../contracts/step-cache.js";
import type { RejectRecord, RejectSink, Storage } from "../contracts/storage.js";
import { redactSecrets } from "../util/secrets.js";

/** The most characters of raw output a reject keeps, and of its message: a reject explains, it does not archive. */
export const REJECT_RAW_CHARS = 64 * 1024;
export const REJECT_MESSAGE_CHARS = 8 * 1024;

/** `text` cut to `max` characters, saying how long it was, so a 30 MB answer costs 64 KiB per reject. */
export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [cut: ${text.length.toLocaleString("en-US")} characters in all]`;
}

/**
 * Writes rejects in arrival order, secrets redacted and raw output bounded: one file per step under a run store, else the
 * storage's single rejects file. Writes are chained so a slow disk never reorders them.
 */
export class RejectWriter {
  private readonly sinks: Map<string, Promise<RejectSink>>;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly store: RunStore | undefined,
    opened: Iterable<[string, Promise<RejectSink>]> = [],
  ) {
    this.sinks = new Map(opened);
  }

  write(r: RejectRecord): void {
    const clean: RejectRecord = {
      ...r,
      message: boundText(redactSecrets(r.message), REJECT_MESSAGE_CHARS),
      ...(r.raw !== undefined ? { raw: boundText(redactSecrets(r.raw), REJECT_RAW_CHARS) } : {}),
    };
    const sink = this.sinkFor(r.stepId);
    this.chain = this.chain.then(async () => {
      await (await sink).write(clean);
    });
  }

  /** Waits for every write and closes the files; resolves to the first write error, if any. */
  async close(): Promise<unknown> {
    let failure: unknown;
    await this.chain.catch((err) => {
      failure = err;
    });
    for (const sink of this.sinks.values()) await (await sink).close();
    return failure;
  }

  /** Where rejects went, for the summary; undefined when nothing was opened. */
  async description(): Promise<string | undefined> {
    if (!this.sinks.size) return undefined;
    return this.store ? `${this.store.dir}/rejects` : (await this.sinks.get("*"))?.description;
  }

  private sinkFor(stepId: string): Promise<RejectSink> {
    const key = this.store ? stepId : "*";
    let sink = this.sinks.get(key);
    if (!sink) {
      sink = this.store ? this.store.openRejects(stepId) : this.storage.openRejects();
      this.sinks.set(key, sink);
    }
    return sink;
  }
}
