/** A serving's `batch:` block as a pipeline writes it: `true`, or the settings to change. */
export type BatchConfig =
  | boolean
  | {
      maxRequests?: number;
      maxBytes?: number;
      idleMs?: number;
      pollMs?: number;
      maxPollMs?: number;
      maxInFlight?: number;
      maxResubmits?: number;
    };

/** How batch mode collects, submits and waits; every field filled. */
export interface BatchOptions {
  /** Requests per input file (OpenAI: 50,000). */
  maxRequests: number;
  /** Bytes per input file (OpenAI: 200 MB). */
  maxBytes: number;
  /** A file is submitted once no new request arrived for this long, so the tail is not kept waiting. */
  idleMs: number;
  /** First wait between polls of a batch; it grows by half after each poll that saw no change. */
  pollMs: number;
  /** Longest wait between polls. */
  maxPollMs: number;
  /** Requests waiting in batches at once: the serving's maxConcurrency, so steps keep that many rows in flight. */
  maxInFlight: number;
  /** Times a request is submitted again after its batch expired, failed or was cancelled. */
  maxResubmits: number;
  /** Polling gives up on a batch this long after it was created (the 24 h window and a margin). */
  giveUpMs: number;
}

/** OpenAI's documented limits for one batch input file, and polling that suits hours-long batches. */
export const BATCH_DEFAULTS: BatchOptions = {
  maxRequests: 50_000,
  maxBytes: 200_000_000,
  idleMs: 2_000,
  pollMs: 5_000,
  maxPollMs: 60_000,
  maxInFlight: 10_000,
  maxResubmits: 2,
  giveUpMs: 26 * 3_600_000,
};

/** The settings of `batch:`; undefined when batch mode is off. */
export function batchOptions(config: BatchConfig | undefined): BatchOptions | undefined {
  if (config === undefined || config === false) return undefined;
  if (config === true) return { ...BATCH_DEFAULTS };
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  const o = { ...BATCH_DEFAULTS, ...defined };
  for (const [k, v] of Object.entries(o)) {
    const min = k === "idleMs" || k === "maxResubmits" ? 0 : 1;
    if (!Number.isInteger(v) || v < min)
      throw new RangeError(`batch.${k} must be a whole number ≥ ${min}, got ${v}`);
  }
  return o;
}
