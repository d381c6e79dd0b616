import { LLMError, type Logger } from "@dataflow/core";
import { cancelledError, sleep, throwIfCancelled } from "../serving/abort.js";
import type { Call } from "../serving/layers/layer.js";
import { gaveUp } from "../serving/layers/retry.js";
import { backoffDelay, isRetryable } from "../serving/retry-policy.js";
import type { TransportRequest, TransportResult } from "../serving/transport.js";
import type { UsageMeter } from "../serving/usage-meter.js";
import type { BatchClient, BatchObject } from "./batch-client.js";
import { BatchCollector } from "./batch-collector.js";
import { batchHalt } from "./batch-halt.js";
import { type BatchJournal, foldJournal, type JournaledBatch, TERMINAL } from "./batch-journal.js";
import { type BatchLine, batchLine } from "./batch-line.js";
import type { BatchOptions } from "./batch-options.js";
import { pollBatch } from "./batch-poll.js";
import { batchCounts, batchStatusLine } from "./batch-progress.js";
import { type LineOutcome, readResultFile } from "./batch-result.js";

export interface BatchQueueOptions {
  /** The serving's name, for log lines and the batches' metadata. */
  name: string;
  /** The endpoint and its key's variable, for the run-stopping errors (batch-halt.ts). */
  endpoint: { baseURL: string; apiKeyEnv: string };
  client: BatchClient;
  journal: BatchJournal;
  options: BatchOptions;
  logger: Logger;
  /** Resends of a request whose line failed with a retryable error (429, 5xx), as in sync mode. */
  maxRetries: number;
}

interface Waiter {
  resolve(result: TransportResult): void;
  reject(err: unknown): void;
  done(): void;
}

/** A request someone waits for: in the collector, or bound to a batch. */
interface Live {
  line: BatchLine;
  waiters: Set<Waiter>;
  /** Who asked first: its requests and tokens are counted under this tag. */
  tag: string | undefined;
  retries: number;
  resubmits: number;
  batch?: Tracked;
}

/** A batch this process knows of (submitted now, or journaled by an earlier run). */
interface Tracked {
  id: string;
  customIds: readonly string[];
  status: string;
  /** Waiters of the lines bound to it: polling stops at 0 and starts again with the next one. */
  waiting: number;
  poll?: AbortController;
  end?: BatchObject;
  outcomes?: Promise<Map<string, LineOutcome>>;
  /** Why the provider no longer has it (a 404 for the batch or its files): its lines are sent again. */
  gone?: string;
}

/**
 * The batch "transport": requests are collected into input files (identical requests share a
 * line), uploaded and submitted as batches, polled, and each call's promise settles when its
 * line's result is mapped back. Every batch is journaled before it is relied on, so a later run
 * binds a request to the batch it is already in (pending or done) instead of submitting it
 * again; only what a batch never ran (expired, failed, cancelled) is submitted again.
 */
export class BatchQueue {
  private readonly live = new Map<string, Live>();
  private readonly tracked = new Map<string, Tracked>();
  /** custom_id → the last batch an earlier run put it in, until a request claims it. */
  private readonly prior = new Map<string, Tracked>();
  /** custom_id → batches of earlier runs that ended without running it. */
  private readonly lost = new Map<string, number>();
  private readonly collector: BatchCollector;
  private started: Promise<void> | undefined;
  private files = 0;
  private meter: UsageMeter | undefined;

  constructor(private readonly o: BatchQueueOptions) {
    this.collector = new BatchCollector(o.options, (lines) => void this.submit(lines));
  }

  /** Where submitted requests and answered tokens are counted (the serving's meter). */
  useMeter(meter: UsageMeter): void {
    this.meter = meter;
  }

  async send(request: TransportRequest, call: Call): Promise<TransportResult> {
    this.started ??= this.start();
    await this.started;
    throwIfCancelled(call.signal);
    const line = batchLine(request);
    return new Promise<TransportResult>((resolve, reject) => {
      let live = this.live.get(line.customId);
      const fresh = live === undefined;
      if (!live) {
        const resubmits = this.lost.get(line.customId) ?? 0;
        live = { line, waiters: new Set(), tag: call.tag, retries: 0, resubmits };
        this.live.set(line.customId, live);
      }
      this.join(live, resolve, reject, call.signal);
      if (fresh) this.route(live);
    });
  }

  private join(
    live: Live,
    resolve: (r: TransportResult) => void,
    reject: (e: unknown) => void,
    signal: AbortSignal | undefined,
  ): void {
    const onAbort = () => this.leave(live, waiter, cancelledError(signal as AbortSignal));
    const waiter: Waiter = { resolve, reject, done: () => signal?.removeEventListener("abort", onAbort) };
    signal?.addEventListener("abort", onAbort, { once: true });
    live.waiters.add(waiter);
    const t = live.batch;
    if (t) {
      t.waiting++;
      if (!t.end) this.watch(t);
    }
  }

  /** A waiter gave up (its row was cancelled); a line no one waits for is not submitted. */
  private leave(live: Live, waiter: Waiter, err: unknown): void {
    if (!live.waiters.delete(waiter)) return;
    waiter.done();
    waiter.reject(err);
    const t = live.batch;
    if (t) {
      if (--t.waiting === 0) t.poll?.abort();
    } else if (live.waiters.size === 0 && this.collector.remove(live.line.customId)) {
      this.live.delete(live.line.customId);
    }
  }

  /** A new request: bound to the batch an earlier run put it in, else collected. */
  private route(live: Live): void {
    const id = live.line.customId;
    const t = this.prior.get(id);
    if (!t) {
      this.collector.add(live.line);
      return;
    }
    this.prior.delete(id);
    this.bind(live, t);
    if (t.end) void this.settleLines(t, [live]);
  }

  private bind(live: Live, t: Tracked): void {
    live.batch = t;
    t.waiting += live.waiters.size;
    if (t.waiting > 0 && !t.end) this.watch(t);
  }

  private unbind(live: Live): void {
    const t = live.batch;
    if (!t) return;
    live.batch = undefined;
    t.waiting -= live.waiters.size;
  }

  /** Reads the journal of earlier runs, and finds batches created just before a run was killed. */
  private async start(): Promise<void> {
    const state = foldJournal(await this.o.journal.load());
    let found: JournaledBatch[] = [];
    try {
      found = await this.recoverOrphans(state.orphanUploads);
    } catch (err) {
      // Without a listing their requests may be sent again: said, not hidden.
      const files = state.orphanUploads.map((o) => o.file).join(", ");
      this.o.logger.warn(
        `serving "${this.o.name}": cannot list batches to check uploads ${files} (${(err as Error).message}); requests in them not found in a batch are submitted again`,
      );
    }
    for (const b of [...state.batches, ...found]) this.remember(b);
    if (this.tracked.size > 0) {
      this.o.logger.info(`serving "${this.o.name}": ${this.tracked.size} batches journaled by earlier runs`);
    }
  }

  private remember(b: JournaledBatch): void {
    const t: Tracked = { id: b.id, customIds: b.customIds, status: b.end?.status ?? "submitted", waiting: 0 };
    if (b.end) t.end = endOf(b);
    this.tracked.set(b.id, t);
    for (const id of b.customIds) {
      const earlier = this.prior.get(id);
      // Put in a later batch: the earlier one ended without an answer it could use.
      if (earlier?.end && earlier.end.status !== "completed") this.lost.set(id, (this.lost.get(id) ?? 0) + 1);
      this.prior.set(id, t);
    }
  }

  /**
   * Uploads journaled with no batch: the run stopped between uploading and journaling the batch.
   * A batch created from one of those files is found by listing (and journaled); the rest were never submitted.
   */
  private async recoverOrphans(orphans: { file: string; customIds: string[] }[]): Promise<JournaledBatch[]> {
    if (orphans.length === 0) return [];
    const byFile = new Map(orphans.map((o) => [o.file, o.customIds]));
    const found: JournaledBatch[] = [];
    let after: string | undefined;
    for (let page = 0; page < 50 && byFile.size > found.length; page++) {
      const { data, hasMore } = await this.o.client.list(after);
      for (const b of data) {
        const customIds = byFile.get(b.input_file_id);
        if (!customIds) continue;
        await this.o.journal.append({ type: "batch", batch: b.id, file: b.input_file_id, at: now() });
        found.push({ id: b.id, file: b.input_file_id, customIds });
      }
      after = data.at(-1)?.id;
      if (!hasMore || !after) break;
    }
    for (const b of found)
      this.o.logger.info(
        `serving "${this.o.name}": found batch ${b.id}, submitted before the last run stopped`,
      );
    return found;
  }

  /** Uploads a sealed file and creates its batch, journaling each before relying on it. */
  private async submit(lines: BatchLine[]): Promise<void> {
    const customIds = lines.map((l) => l.customId);
    const n = ++this.files;
    let batch: BatchObject;
    let uploading = true;
    try {
      const jsonl = `${lines.map((l) => l.text).join("\n")}\n`;
      const file = await this.persist(() =>
        this.o.client.upload(jsonl, `dataflow-${this.o.name}-${n}.jsonl`),
      );
      uploading = false;
      await this.o.journal.append({ type: "upload", file, customIds, at: now() });
      const metadata = { dataflow_serving: this.o.name.slice(0, 512) };
      batch = await this.persist(() => this.o.client.create(file, metadata));
      await this.o.journal.append({ type: "batch", batch: batch.id, file, at: now() });
    } catch (err) {
      const halt = this.halt(err, uploading);
      for (const id of customIds) {
        const live = this.live.get(id);
        if (live && !live.batch) this.fail(live, halt);
      }
      return;
    }
    const t: Tracked = { id: batch.id, customIds, status: batch.status, waiting: 0 };
    this.tracked.set(t.id, t);
    const bytes = lines.reduce((sum, l) => sum + l.bytes, 0);
    this.o.logger.info(
      `serving "${this.o.name}": submitted batch ${t.id}: ${lines.length} requests, ${bytes} bytes`,
    );
    for (const id of customIds) {
      const live = this.live.get(id);
      if (!live || live.batch) continue;
      this.meter?.request(live.tag);
      this.bind(live, t);
    }
  }

  /** `op`, again after a backoff while it fails with a retryable error, `maxRetries` times at most. */
  private async persist<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (!(err instanceof LLMError) || !isRetryable(err) || attempt >= this.o.maxRetries) throw err;
        await sleep(backoffDelay(attempt, err.retryAfterMs));
      }
    }
  }

  /** Polls `t` while anyone waits for it, then maps its results back. */
  private watch(t: Tracked): void {
    if (t.poll || t.end) return;
    const poll = new AbortController();
    t.poll = poll;
    const onStatus = (b: BatchObject) => this.onStatus(t, b);
    pollBatch(this.o.client, t.id, this.o.options, { onStatus, signal: poll.signal }).then(
      (end) => {
        if (t.poll === poll) t.poll = undefined;
        if (end) void this.settleLines(t, this.boundLines(t));
      },
      (err: unknown) => {
        if (t.poll === poll) t.poll = undefined;
        if (this.forget(t, err)) return void this.settleLines(t, this.boundLines(t));
        const halt = this.halt(err, false);
        for (const live of this.boundLines(t)) this.fail(live, halt);
      },
    );
  }

  /** This run's batches by status (`batches: 1 validating, 2 in_progress`); undefined before the first. */
  progressNote(): string | undefined {
    return this.tracked.size > 0 ? batchCounts([...this.tracked.values()].map((x) => x.status)) : undefined;
  }

  private async onStatus(t: Tracked, b: BatchObject): Promise<void> {
    t.status = b.status;
    const log = `serving "${this.o.name}": ${batchStatusLine(b)}; ${this.progressNote()}`;
    this.o.logger.info(log);
    if (!TERMINAL.has(b.status)) return;
    t.end = b;
    await this.o.journal.append({
      type: "end",
      batch: b.id,
      status: b.status,
      ...(b.output_file_id ? { outputFileId: b.output_file_id } : {}),
      ...(b.error_file_id ? { errorFileId: b.error_file_id } : {}),
      ...(b.errors?.data?.length ? { errors: b.errors.data.map((e) => e.message ?? e.code).join("; ") } : {}),
      at: now(),
    });
  }

  private boundLines(t: Tracked): Live[] {
    const lines: Live[] = [];
    for (const id of t.customIds) {
      const live = this.live.get(id);
      if (live?.batch === t) lines.push(live);
    }
    return lines;
  }

  /** Each line's outcome in the ended batch `t`, applied; a line no one waits for now keeps it for later. */
  private async settleLines(t: Tracked, lines: Live[]): Promise<void> {
    let outcomes: Map<string, LineOutcome>;
    try {
      outcomes = await this.outcomesOf(t);
    } catch (err) {
      t.outcomes = undefined; // the next request for one of its lines downloads again
      const halt = this.halt(err, false);
      for (const live of lines) this.fail(live, halt);
      return;
    }
    for (const live of lines) {
      if (live.batch !== t) continue;
      const id = live.line.customId;
      if (live.waiters.size === 0) {
        this.unbind(live);
        this.live.delete(id);
        this.prior.set(id, t);
        continue;
      }
      const outcome = outcomes.get(id) ?? notRun(t);
      // Applied once per process (a request asked again goes to a new file): the answer need not stay in memory.
      outcomes.delete(id);
      this.apply(live, outcome);
    }
  }

  /** The output and error files of an ended batch, read once. */
  private outcomesOf(t: Tracked): Promise<Map<string, LineOutcome>> {
    t.outcomes ??= (async () => {
      const map = new Map<string, LineOutcome>();
      try {
        for (const file of [t.end?.output_file_id, t.end?.error_file_id]) {
          if (file) readResultFile(await this.persist(() => this.o.client.content(file)), map);
        }
      } catch (err) {
        if (!this.forget(t, err)) throw err;
        map.clear();
      }
      return map;
    })();
    return t.outcomes;
  }

  /**
   * A batch (or its files) the provider answers 404 for — deleted, or journaled by a run against
   * another endpoint — is forgotten: its lines count as never run and are sent again. True when so.
   */
  private forget(t: Tracked, err: unknown): boolean {
    if (!(err instanceof LLMError) || err.status !== 404) return false;
    t.gone = err.message;
    t.end ??= { id: t.id, status: "expired", input_file_id: "" };
    t.outcomes = Promise.resolve(new Map());
    this.o.logger.warn(
      `serving "${this.o.name}": batch ${t.id} is gone (${err.message}); its requests are sent again`,
    );
    return true;
  }

  private apply(live: Live, outcome: LineOutcome): void {
    if (outcome.kind === "answer") {
      const usage = outcome.result.usage;
      if (usage) this.meter?.tokens(live.tag, usage);
      this.unbind(live);
      this.live.delete(live.line.customId);
      for (const w of live.waiters) {
        w.done();
        w.resolve(outcome.result);
      }
      return;
    }
    if (outcome.kind === "error") {
      const err = outcome.error;
      if (isRetryable(err) && live.retries < this.o.maxRetries) this.resend(live, "retries");
      else this.fail(live, gaveUp(err, live.retries));
      return;
    }
    if (live.resubmits < this.o.options.maxResubmits) {
      this.resend(live, "resubmits");
      return;
    }
    const times = live.resubmits + 1;
    const kind = outcome.reason.startsWith("batch_expired") ? "timeout" : "transport";
    this.fail(
      live,
      new LLMError(kind, `the batch never ran this request (${outcome.reason}); submitted ${times} times`),
    );
  }

  private halt(err: unknown, uploading: boolean): unknown {
    return batchHalt(err, { name: this.o.name, ...this.o.endpoint }, uploading);
  }

  /** Collected again for the next file. */
  private resend(live: Live, count: "retries" | "resubmits"): void {
    live[count]++;
    this.unbind(live);
    this.collector.add(live.line);
  }

  private fail(live: Live, err: unknown): void {
    this.unbind(live);
    this.live.delete(live.line.customId);
    for (const w of live.waiters) {
      w.done();
      w.reject(err);
    }
  }
}

/** A line missing from an ended batch's files: never run, for the reason the batch ended. */
function notRun(t: Tracked): LineOutcome {
  if (t.gone) return { kind: "unfinished", reason: `batch_gone: batch ${t.id}: ${t.gone}` };
  const status = t.end?.status ?? t.status;
  const errors = t.end?.errors?.data?.map((e) => e.message ?? e.code).join("; ");
  const code = status === "completed" ? "batch_missing" : `batch_${status}`;
  return { kind: "unfinished", reason: `${code}: batch ${t.id} ${status}${errors ? ` (${errors})` : ""}` };
}

/** A journaled end as the batch object it recorded. */
function endOf(b: JournaledBatch): BatchObject {
  const e = b.end;
  return {
    id: b.id,
    status: (e?.status ?? "completed") as BatchObject["status"],
    input_file_id: b.file,
    ...(e?.outputFileId ? { output_file_id: e.outputFileId } : {}),
    ...(e?.errorFileId ? { error_file_id: e.errorFileId } : {}),
    ...(e?.errors ? { errors: { data: [{ message: e.errors }] } } : {}),
  };
}

const now = (): string => new Date().toISOString();
