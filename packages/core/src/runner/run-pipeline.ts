import { setMaxListeners } from "node:events";
import { concatMap, defer, finalize, from, Observable, of, tap } from "rxjs";
import { errorKind, errorMessage, fatalExitCode, isFatal } from "../contracts/errors.js";
import type { LLMServingABC } from "../contracts/llm-serving.js";
import { type Logger, silentLogger } from "../contracts/logger.js";
import type { StepReporter } from "../contracts/operator.js";
import type { RetrieverABC } from "../contracts/retriever.js";
import type { RowRecord } from "../contracts/row.js";
import type { RunManifest, RunStore, StepCache } from "../contracts/step-cache.js";
import { createStepContext } from "../contracts/step-context.js";
import type {
  PositionSink,
  RejectRecord,
  RejectSink,
  RowSink,
  RowSource,
  SourceItem,
  Storage,
} from "../contracts/storage.js";
import type { PipelinePlan, PlannedStep } from "../pipeline/plan.js";
import { redactSecrets } from "../util/secrets.js";
import { Distribution } from "./distribution.js";
import { type SourceIdentity, stepFingerprints } from "./fingerprint.js";
import { FlowGate } from "./flow-gate.js";
import { RejectWriter } from "./reject-writer.js";
import { type RowSelection, selectionExhausted, selects } from "./row-selection.js";
import {
  bump,
  newStepStats,
  type RunStats,
  type RunSummary,
  reconcile,
  type StepStats,
} from "./run-stats.js";
import { endpointsOf, finalManifest, stepSummaries, sumUsage } from "./run-summary.js";
import { SourcePositions } from "./source-positions.js";

export interface RunOptions {
  plan: PipelinePlan;
  storage: Storage;
  /** Servings by name, for steps that name one. */
  servings?: Record<string, LLMServingABC>;
  /** Retrievers by name, for steps that name one. */
  retrievers?: Record<string, RetrieverABC>;
  logger?: Logger;
  /** Read at most this many source rows. */
  limit?: number;
  /** Aborting it cancels the run like Ctrl-C. */
  signal?: AbortSignal;
  /** Step caches, manifest and per-step rejects; without it nothing is cached. */
  runStore?: RunStore;
  /** Ignore and clear every cache. */
  fresh?: boolean;
  /** Recompute from this step on (its cache and those after it are dropped). */
  fromStep?: string;
  /** What identifies the input for fingerprints (path, size, mtime). */
  sourceIdentity?: SourceIdentity;
  /**
   * Process only these source rows (a shard, a work-queue chunk); `limit` still counts rows from
   * the source's start. Operators' readSource sees the whole source.
   */
  selection?: RowSelection;
  /**
   * Steps passed through instead of run, their decisions left to the merge of the parts (see
   * planShards): each records the rows reaching it, with their source positions.
   */
  deferred?: {
    steps: readonly string[];
    open(stepId: string): Promise<{ rows: RowSink; positions: PositionSink }>;
  };
}

/** A run in progress: live stats for progress display, cancellation, and the final summary. */
export class PipelineRun {
  readonly stats: RunStats;
  readonly done: Promise<RunSummary>;
  private stopping = false;
  private cancelReason: string | undefined;
  private readonly abort = new AbortController();
  private readonly stop = new AbortController();
  private readonly gate: FlowGate;
  private graceTimer: NodeJS.Timeout | undefined;
  private source: RowSource | undefined;
  /** An error no row could get past; it fails the run. */
  private fatal: unknown;
  /** The run failed and an earlier output was left in place of this one. */
  private outputKept = false;
  /** Source positions of rows in flight, one queue per place that records them (output, deferred steps). */
  private readonly positions: SourcePositions[] = [];
  /** Recorders of the deferred steps' input rows, by step id; committed with the output. */
  private deferred = new Map<string, RowSink>();

  constructor(private readonly options: RunOptions) {
    const { plan } = options;
    this.gate = new FlowGate(plan.run.window);
    // Every in-flight request listens on these; a high concurrency is not a leak.
    setMaxListeners(0, this.abort.signal, this.stop.signal);
    this.stats = {
      startedAt: Date.now(),
      source: { read: 0, bad: 0, bytesRead: 0, done: false },
      steps: plan.steps.map((s) => newStepStats(s.id, s.op.spec.name)),
      written: 0,
    };
    options.signal?.addEventListener("abort", () => this.cancel("aborted"), { once: true });
    this.done = this.execute().finally(() => clearTimeout(this.graceTimer));
  }

  /**
   * Stop taking new rows; rows in flight get `shutdownGraceMs` to finish, then
   * their work is aborted. A second call aborts at once.
   */
  cancel(reason = "interrupted"): void {
    if (this.stopping) {
      this.abort.abort();
      return;
    }
    this.stopping = true;
    this.cancelReason = reason;
    this.stop.abort();
    this.gate.wakeAll();
    this.graceTimer = setTimeout(() => this.abort.abort(), this.options.plan.run.shutdownGraceMs);
    this.graceTimer.unref();
  }

  /** Source read progress, for ETAs. */
  sourceProgress(): { bytesRead: number; bytesTotal?: number } | undefined {
    return this.source?.progress?.();
  }

  private async execute(): Promise<RunSummary> {
    const { plan, storage } = this.options;
    this.source = storage.openSource();
    const store = this.options.runStore;
    const prepared = store ? await this.prepareStore(store) : undefined;
    const rejects = new RejectWriter(storage, store, prepared?.rejects);
    await this.openDeferred();
    let stream$: Observable<RowRecord> = this.sourceStream((r) => rejects.write(r));
    for (const [i, step] of plan.steps.entries()) {
      stream$ = this.stepStream(stream$, step, i, rejects, prepared?.caches[i]);
    }

    // Opened last: anything above that throws leaves no temporary output behind.
    const sink = await this.openSink(storage);
    let failure: unknown;
    try {
      await this.drain(stream$, sink);
    } catch (err) {
      // A fatal error aborts the stream: its AbortError is a symptom, the fatal error the cause.
      failure = this.fatal ?? err;
    }
    failure ??= this.fatal;
    const rejectFailure = await rejects.close();
    failure ??= rejectFailure;
    for (const cache of prepared?.caches ?? []) await cache?.close();

    const outcome = await this.settle(sink, failure);
    const servingUsage = Object.values(this.options.servings ?? {}).map((s) => s.usage().byTag);
    const steps = stepSummaries(this.stats, servingUsage);
    const usage = sumUsage(steps.map((st) => st.usage));
    const endpoints = endpointsOf(this.options.servings ?? {});
    if (store && prepared) {
      const manifest = finalManifest(prepared.manifest, outcome.status, outcome.reason, steps, endpoints);
      await store.writeManifest(manifest);
    }
    const rejectsFile = await rejects.description();
    return {
      pipeline: plan.name,
      ...outcome,
      ...(fatalExitCode(failure) !== undefined ? { exitCode: fatalExitCode(failure) } : {}),
      source: { ...this.stats.source },
      steps,
      written: this.stats.written,
      maxRejectRate: plan.run.maxRejectRate,
      reconciled: reconcile(this.stats, this.stopping || failure !== undefined),
      ...(outcome.status !== "cancelled" && failure === undefined && !this.outputKept
        ? { output: sink.description }
        : {}),
      ...(rejectsFile ? { rejectsFile } : {}),
      ...(store ? { runDir: store.dir } : {}),
      ...(usage ? { usage } : {}),
      ...(endpoints ? { endpoints } : {}),
      durationMs: Date.now() - this.stats.startedAt,
    };
  }

  /** The storage's sink, with positions recorded beside it when the storage keeps them, and the deferred steps' recorders. */
  private async openSink(storage: Storage): Promise<RowSink> {
    let rows = await storage.openSink();
    if (storage.openPositions) rows = this.withPositions(rows, await storage.openPositions());
    return this.deferred.size ? commitTogether(rows, [...this.deferred.values()]) : rows;
  }

  private async openDeferred(): Promise<void> {
    const deferred = this.options.deferred;
    for (const id of deferred?.steps ?? []) {
      const { rows, positions } = await (deferred as NonNullable<RunOptions["deferred"]>).open(id);
      this.deferred.set(id, this.withPositions(rows, positions));
    }
  }

  /** `rows` with each row's source position recorded beside it. */
  private withPositions(rows: RowSink, positions: PositionSink): RowSink {
    const tracker = new SourcePositions();
    this.positions.push(tracker);
    return withPositions(rows, positions, tracker);
  }

  /** A deferred step: every row passes, recorded for the merge to decide on. */
  private passThrough(input$: Observable<RowRecord>, recorder: RowSink): Observable<RowRecord> {
    return input$.pipe(
      concatMap((record) => {
        const pending = recorder.write(record);
        return pending ? from(pending.then(() => record)) : of(record);
      }),
    );
  }

  /** `input$` through one step, counted in its stats. */
  private stepStream(
    input: Observable<RowRecord>,
    step: PlannedStep,
    index: number,
    rejects: RejectWriter,
    cache: StepCache | undefined,
  ): Observable<RowRecord> {
    const s = this.stats.steps[index] as StepStats;
    const ctx = createStepContext({
      stepId: step.id,
      baseDir: this.options.plan.baseDir,
      spec: step.op.spec,
      params: step.params as never,
      inputs: step.inputs,
      outputs: step.outputs,
      ...this.stepServices(step),
      logger: this.options.logger ?? silentLogger,
      signal: this.abort.signal,
      stopping: this.stop.signal,
      ...(step.concurrency ? { concurrency: step.concurrency } : {}),
      ...(cache ? { cache } : {}),
      report: this.stepReporter(step, s, rejects),
      count: (metric, by) => bump(s.counters, metric, by),
      observe: (metric, value) => {
        s.distributions[metric] ??= new Distribution();
        s.distributions[metric].add(value);
      },
      readSource: () => this.readFullSource(),
    });
    const input$ = input.pipe(
      tap(() => {
        if (s.in++ === 0) s.startedAt = Date.now();
      }),
    );
    const recorder = this.deferred.get(step.id);
    const output$ = recorder
      ? this.passThrough(input$, recorder)
      : defer(() => new step.op().run(input$, ctx));
    return output$.pipe(
      tap(() => s.out++),
      finalize(() => {
        s.finishedAt = Date.now();
      }),
    );
  }

  /** The serving and retriever a step names, as given to the runner. */
  private stepServices(step: PlannedStep): { serving?: LLMServingABC; retriever?: RetrieverABC } {
    const serving = step.serving ? this.options.servings?.[step.serving] : undefined;
    if (step.serving && !serving)
      throw new Error(`step "${step.id}": serving "${step.serving}" was not provided to the runner`);
    const retriever = step.retriever ? this.options.retrievers?.[step.retriever] : undefined;
    if (step.retriever && !retriever)
      throw new Error(`step "${step.id}": retriever "${step.retriever}" was not provided to the runner`);
    return { ...(serving ? { serving } : {}), ...(retriever ? { retriever } : {}) };
  }

  /** Where a step reports each row's fate; a fatal error stops the whole run. */
  private stepReporter(step: PlannedStep, s: StepStats, rejects: RejectWriter): StepReporter {
    return {
      replayed: () => {
        s.replayed++;
      },
      filtered: (_record, reason) => {
        s.filtered++;
        bump(s.filteredBy, reason);
      },
      rejected: (record, err) => {
        if (isFatal(err)) {
          this.fatal ??= err;
          this.cancel("fatal");
          this.abort.abort();
          return;
        }
        s.rejected++;
        const type = errorKind(err);
        bump(s.rejectedBy, type);
        const raw = (err as { raw?: unknown } | null)?.raw;
        rejects.write({
          rowId: record.id,
          stepId: step.id,
          type,
          message: errorMessage(err),
          ...(typeof raw === "string" ? { raw } : {}),
        });
      },
      expanded: (_record, count) => {
        s.expandedExtra += count - 1;
      },
      hold: (n) => this.gate.hold(n),
      release: (n) => this.gate.release(n),
    };
  }

  /** Commit or abort the output, and decide the run's status from failures and the reject rate. */
  private async settle(
    sink: RowSink,
    failure: unknown,
  ): Promise<Pick<RunSummary, "status" | "reason" | "rejected" | "filtered" | "rejectRate">> {
    const { maxRejectRate } = this.options.plan.run;
    const rejected = this.stats.source.bad + this.stats.steps.reduce((n, s) => n + s.rejected, 0);
    const filtered = this.stats.steps.reduce((n, s) => n + s.filtered, 0);
    const inputs = this.stats.source.read + this.stats.source.bad;
    const rejectRate = inputs ? rejected / inputs : 0;
    const counts = { rejected, filtered, rejectRate };
    if (failure !== undefined) {
      await sink.abort();
      return { status: "failed", reason: redactSecrets(errorMessage(failure)), ...counts };
    }
    if (this.stopping) {
      await sink.abort();
      return { status: "cancelled", ...(this.cancelReason ? { reason: this.cancelReason } : {}), ...counts };
    }
    if (rejectRate > maxRejectRate) {
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      const reason = `reject rate ${pct(rejectRate)} is above run.maxRejectRate ${pct(maxRejectRate)}`;
      // A failed run never clobbers a previous run's output: its good rows are still written when none is there.
      if (await this.options.storage.outputExists?.()) {
        await sink.abort();
        this.outputKept = true;
        return {
          status: "failed",
          reason: `${reason}; the previous output ${sink.description} is kept`,
          ...counts,
        };
      }
      await sink.commit();
      return { status: "failed", reason, ...counts };
    }
    await sink.commit();
    return { status: "ok", ...counts };
  }

  /** Clear or prune caches as asked, open each caching step's cache, and mark the run as running. */
  private async prepareStore(store: RunStore): Promise<{
    caches: (StepCache | undefined)[];
    rejects: [string, Promise<RejectSink>][];
    manifest: RunManifest;
  }> {
    const { plan, fresh, fromStep } = this.options;
    if (fresh) await store.clear();
    const ids = plan.steps.map((s) => s.id);
    const from = fromStep === undefined ? ids.length : ids.indexOf(fromStep);
    if (from < 0) throw new Error(`--from-step ${fromStep}: no such step (steps: ${ids.join(", ")})`);
    await store.prune(ids.slice(0, from));
    const source = this.options.sourceIdentity ?? { path: plan.source.path };
    const fingerprints = stepFingerprints(plan, source, this.options.servings, this.options.retrievers);
    const caches = await Promise.all(
      plan.steps.map((s, i) =>
        (s.op.spec.cacheRows ?? s.op.spec.serving !== undefined)
          ? store.openStepCache(s.id, fingerprints[i] as string)
          : undefined,
      ),
    );
    // Rejects are recomputed each run: every step's old rejects file is replaced now.
    const rejects: [string, Promise<RejectSink>][] = ["source", ...ids].map((id) => [
      id,
      store.openRejects(id),
    ]);
    const now = new Date().toISOString();
    const manifest: RunManifest = {
      pipeline: plan.name,
      file: plan.file,
      status: "running",
      startedAt: now,
      updatedAt: now,
      source,
      steps: plan.steps.map((s, i) => ({
        id: s.id,
        op: s.op.spec.name,
        version: s.op.spec.version,
        fingerprint: fingerprints[i] as string,
        status: "running",
        replayed: 0,
        counts: { in: 0, out: 0, filtered: 0, rejected: 0 },
      })),
    };
    await store.writeManifest(manifest);
    return { caches, rejects, manifest };
  }

  /** The source read again from its start, for OperatorContext.readSource (good rows, the row limit applied). */
  private async *readFullSource(): AsyncGenerator<RowRecord> {
    const limit = this.options.limit;
    let read = 0;
    for await (const item of this.options.storage.openSource().read({ signal: this.abort.signal })) {
      if (limit !== undefined && read >= limit) break;
      if (item.kind === "bad") continue;
      read++;
      yield { id: item.id, row: item.row };
    }
  }

  /** Pull rows from the source only while the pipeline has room. */
  private sourceStream(writeReject: (r: RejectRecord) => void): Observable<RowRecord> {
    const source = this.source as RowSource;
    const { limit, selection } = this.options;
    const stats = this.stats.source;
    return new Observable<RowRecord>((subscriber) => {
      let unsubscribed = false;
      // Every source item's position, and the good rows read, selected or not (limit counts these).
      let position = -1;
      let good = 0;
      const iterator = sourceBatches(source, this.abort.signal)[Symbol.asyncIterator]();
      let batch: readonly SourceItem[] = [];
      let at = 0;
      (async () => {
        try {
          while (!unsubscribed && !this.stopping && (limit === undefined || good < limit)) {
            const room = this.gate.room();
            if (room) await room;
            if (unsubscribed || this.stopping) break;
            if (at === batch.length) {
              const next = await iterator.next();
              if (next.done) break;
              [batch, at] = [next.value, 0];
              continue;
            }
            const item = batch[at++] as SourceItem;
            position++;
            if (selectionExhausted(selection, position)) break;
            if (item.kind === "row") good++;
            if (!selects(selection, item.id, position)) continue;
            if (item.kind === "bad") {
              stats.bad++;
              writeReject({
                rowId: item.id,
                stepId: "source",
                type: "bad-input",
                message: item.reason,
                location: item.location,
                ...(item.raw !== undefined ? { raw: item.raw } : {}),
              });
              continue;
            }
            stats.read++;
            for (const queue of this.positions) queue.add(item.id, position);
            subscriber.next({ id: item.id, row: item.row });
          }
          await iterator.return?.();
          stats.done = true;
          subscriber.complete();
        } catch (err) {
          subscriber.error(err);
        }
      })();
      return () => {
        unsubscribed = true;
      };
    });
  }

  /** Write rows to the sink in order; a sink that pushes back holds rows in the flow gate. */
  private drain(stream$: Observable<RowRecord>, sink: RowSink): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let chain: Promise<void> | undefined;
      let failed = false;
      const fail = (err: unknown): void => {
        if (failed) return;
        failed = true;
        this.abort.abort();
        this.gate.wakeAll();
        reject(err);
      };
      const subscription = stream$.subscribe({
        next: (record) => {
          this.stats.written++;
          if (chain) {
            this.gate.hold(1);
            const mine: Promise<void> = chain
              .then(() => sink.write(record))
              .then(() => {
                this.gate.release(1);
                if (chain === mine) chain = undefined;
              });
            chain = mine;
            mine.catch(fail);
            return;
          }
          const pending = sink.write(record);
          if (pending) {
            this.gate.hold(1);
            const mine: Promise<void> = pending.then(() => {
              this.gate.release(1);
              if (chain === mine) chain = undefined;
            });
            chain = mine;
            mine.catch(fail);
          }
        },
        error: (err) => {
          subscription?.unsubscribe();
          fail(err);
        },
        complete: () => {
          (chain ?? Promise.resolve()).then(() => {
            if (!failed) resolve();
          }, fail);
        },
      });
    });
  }
}

/** A source's items in arrays: its own batches when it reads in chunks, else one item each. */
function sourceBatches(source: RowSource, signal: AbortSignal): AsyncIterable<readonly SourceItem[]> {
  if (source.readBatches) return source.readBatches({ signal });
  const items = source.read({ signal })[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const r = await items.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: [r.value] };
      },
      return: async () => {
        await items.return?.();
        return { done: true, value: undefined };
      },
    }),
  };
}

/** A sink that also records each row's source position; both commit or abort together. */
function withPositions(rows: RowSink, positions: PositionSink, tracker: SourcePositions): RowSink {
  return {
    description: rows.description,
    write: (record) => {
      const recorded = positions.write(tracker.positionOf(record.id), record.id);
      const written = rows.write(record);
      return recorded || written ? Promise.all([recorded, written]).then(() => {}) : undefined;
    },
    commit: async () => {
      await positions.commit();
      await rows.commit();
    },
    abort: async () => {
      await Promise.all([positions.abort(), rows.abort()]);
    },
  };
}

/** `main`, and `others` committed (first) and aborted with it. */
function commitTogether(main: RowSink, others: readonly RowSink[]): RowSink {
  return {
    description: main.description,
    write: (record) => main.write(record),
    commit: async () => {
      for (const other of others) await other.commit();
      await main.commit();
    },
    abort: async () => {
      await Promise.all([main, ...others].map((s) => s.abort()));
    },
  };
}

export function startRun(options: RunOptions): PipelineRun {
  return new PipelineRun(options);
}

/** Run a compiled pipeline to the end and return its summary. */
export function runPipeline(options: RunOptions): Promise<RunSummary> {
  return startRun(options).done;
}
