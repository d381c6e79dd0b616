import { setMaxListeners } from "node:events";
import { defer, finalize, Observable, tap } from "rxjs";
import { errorKind, errorMessage, isFatal } from "../contracts/errors.js";
import type { LLMServingABC, UsageTotals } from "../contracts/llm-serving.js";
import { type Logger, silentLogger } from "../contracts/logger.js";
import type { PipelinePlan } from "../pipeline/plan.js";
import type { RetrieverABC } from "../contracts/retriever.js";
import type { RowRecord } from "../contracts/row.js";
import { redactSecrets } from "../util/secrets.js";
import type { RunManifest, RunStore, StepCache } from "../contracts/step-cache.js";
import { createStepContext } from "../contracts/step-context.js";
import type { RejectRecord, RejectSink, RowSink, RowSource, Storage } from "../contracts/storage.js";
import { Distribution, type DistributionSummary } from "./distribution.js";
import { type SourceIdentity, stepFingerprints } from "./fingerprint.js";
import { FlowGate } from "./flow-gate.js";
import {
  bump,
  newStepStats,
  type RunStats,
  type RunSummary,
  reconcile,
  type StepStats,
  unfinished,
} from "./run-stats.js";

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
    const logger = this.options.logger ?? silentLogger;
    this.source = storage.openSource();
    const store = this.options.runStore;
    const prepared = store ? await this.prepareStore(store) : undefined;
    const rejectSinks = new Map<string, Promise<RejectSink>>(prepared?.rejects);
    let rejectChain: Promise<void> = Promise.resolve();
    const writeReject = (r: RejectRecord): void => {
      const clean: RejectRecord = {
        ...r,
        message: redactSecrets(r.message),
        ...(r.raw !== undefined ? { raw: redactSecrets(r.raw) } : {}),
      };
      // Without a run store, every step's rejects share the storage's rejects file.
      const key = store ? r.stepId : "*";
      let sink = rejectSinks.get(key);
      if (!sink) {
        sink = store ? store.openRejects(r.stepId) : storage.openRejects();
        rejectSinks.set(key, sink);
      }
      const opened = sink;
      rejectChain = rejectChain.then(async () => {
        await (await opened).write(clean);
      });
    };

    let stream$: Observable<RowRecord> = this.sourceStream(writeReject);
    for (const [i, step] of plan.steps.entries()) {
      const s = this.stats.steps[i] as StepStats;
      const servingName = step.serving;
      const serving = servingName ? this.options.servings?.[servingName] : undefined;
      if (servingName && !serving)
        throw new Error(`step "${step.id}": serving "${servingName}" was not provided to the runner`);
      const retriever = step.retriever ? this.options.retrievers?.[step.retriever] : undefined;
      if (step.retriever && !retriever)
        throw new Error(`step "${step.id}": retriever "${step.retriever}" was not provided to the runner`);
      const ctx = createStepContext({
        stepId: step.id,
        baseDir: plan.baseDir,
        spec: step.op.spec,
        params: step.params as never,
        inputs: step.inputs,
        outputs: step.outputs,
        ...(serving ? { serving } : {}),
        ...(retriever ? { retriever } : {}),
        logger,
        signal: this.abort.signal,
        stopping: this.stop.signal,
        ...(step.concurrency ? { concurrency: step.concurrency } : {}),
        ...(prepared?.caches[i] ? { cache: prepared.caches[i] } : {}),
        report: {
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
            writeReject({
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
        },
        count: (metric, by) => bump(s.counters, metric, by),
        observe: (metric, value) => {
          s.distributions[metric] ??= new Distribution();
          s.distributions[metric].add(value);
        },
      });
      const input$ = stream$.pipe(
        tap(() => {
          if (s.in++ === 0) s.startedAt = Date.now();
        }),
      );
      stream$ = defer(() => new step.op().run(input$, ctx)).pipe(
        tap(() => s.out++),
        finalize(() => {
          s.finishedAt = Date.now();
        }),
      );
    }

    // Opened last: anything above that throws leaves no temporary output behind.
    const sink = await storage.openSink();
    let failure: unknown;
    try {
      await this.drain(stream$, sink);
    } catch (err) {
      failure = err;
    }
    failure ??= this.fatal;
    await rejectChain.catch((err) => {
      failure ??= err;
    });
    for (const sink of rejectSinks.values()) await (await sink).close();
    for (const cache of prepared?.caches ?? []) await cache?.close();

    const cancelled = this.stopping && failure === undefined;
    const rejected = this.stats.source.bad + this.stats.steps.reduce((n, s) => n + s.rejected, 0);
    const filtered = this.stats.steps.reduce((n, s) => n + s.filtered, 0);
    const inputs = this.stats.source.read + this.stats.source.bad;
    const rejectRate = inputs ? rejected / inputs : 0;
    let status: RunSummary["status"] = "ok";
    let reason: string | undefined;
    if (failure !== undefined) {
      status = "failed";
      reason = redactSecrets(errorMessage(failure));
      await sink.abort();
    } else if (cancelled) {
      status = "cancelled";
      reason = this.cancelReason;
      await sink.abort();
    } else {
      await sink.commit();
      if (rejectRate > plan.run.maxRejectRate) {
        status = "failed";
        reason = `reject rate ${(rejectRate * 100).toFixed(1)}% is above run.maxRejectRate ${(plan.run.maxRejectRate * 100).toFixed(1)}%`;
      }
    }
    // A step's usage is what every serving metered under its id: its own serving's calls, and the
    // embeddings its retriever asked for.
    const servingUsage = Object.values(this.options.servings ?? {}).map((s) => s.usage().byTag);
    const steps = this.stats.steps.map((st) => {
      const usage = sumUsage(servingUsage.map((byTag) => byTag[st.id]));
      const distributions: Record<string, DistributionSummary> = {};
      for (const [metric, d] of Object.entries(st.distributions)) {
        const summary = d.summary();
        if (summary) distributions[metric] = summary;
      }
      return { ...st, distributions, unfinished: unfinished(st), ...(usage ? { usage } : {}) };
    });
    const usage = sumUsage(steps.map((st) => st.usage));
    if (store && prepared) {
      await store.writeManifest({
        ...prepared.manifest,
        status,
        ...(reason ? { reason } : {}),
        updatedAt: new Date().toISOString(),
        steps: prepared.manifest.steps.map((m, i) => {
          const st = steps[i];
          if (!st) return m;
          return {
            ...m,
            status: status === "ok" ? "done" : status === "cancelled" ? "cancelled" : "failed",
            replayed: st.replayed,
            counts: { in: st.in, out: st.out, filtered: st.filtered, rejected: st.rejected },
            ...(st.usage ? { usage: { ...st.usage } } : {}),
          };
        }),
      });
    }
    return {
      pipeline: plan.name,
      status,
      ...(reason ? { reason } : {}),
      source: { ...this.stats.source },
      steps,
      written: this.stats.written,
      rejected,
      filtered,
      rejectRate,
      maxRejectRate: plan.run.maxRejectRate,
      reconciled: reconcile(this.stats, this.stopping || failure !== undefined),
      ...(status !== "cancelled" && failure === undefined ? { output: sink.description } : {}),
      ...(rejectSinks.size
        ? { rejectsFile: store ? `${store.dir}/rejects` : (await rejectSinks.get("*"))?.description }
        : {}),
      ...(store ? { runDir: store.dir } : {}),
      ...(usage ? { usage } : {}),
      durationMs: Date.now() - this.stats.startedAt,
    };
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

  /** Pull rows from the source only while the pipeline has room. */
  private sourceStream(writeReject: (r: RejectRecord) => void): Observable<RowRecord> {
    const source = this.source as RowSource;
    const limit = this.options.limit;
    const stats = this.stats.source;
    return new Observable<RowRecord>((subscriber) => {
      let unsubscribed = false;
      const iterator = source.read({ signal: this.abort.signal })[Symbol.asyncIterator]();
      (async () => {
        try {
          while (!unsubscribed && !this.stopping && (limit === undefined || stats.read < limit)) {
            const room = this.gate.room();
            if (room) await room;
            if (unsubscribed || this.stopping) break;
            const next = await iterator.next();
            if (next.done) break;
            const item = next.value;
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

export function startRun(options: RunOptions): PipelineRun {
  return new PipelineRun(options);
}

/** Run a compiled pipeline to the end and return its summary. */
export function runPipeline(options: RunOptions): Promise<RunSummary> {
  return startRun(options).done;
}

function sumUsage(list: (UsageTotals | undefined)[]): UsageTotals | undefined {
  const present = list.filter((u): u is UsageTotals => u !== undefined);
  if (!present.length) return undefined;
  const total: UsageTotals = { requests: 0, cached: 0, promptTokens: 0, completionTokens: 0 };
  for (const u of present) {
    total.requests += u.requests;
    total.cached += u.cached;
    total.promptTokens += u.promptTokens;
    total.completionTokens += u.completionTokens;
    if (u.cost !== undefined) total.cost = (total.cost ?? 0) + u.cost;
  }
  return total;
}
