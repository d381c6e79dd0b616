import type { LLMServingABC, PipelinePlan, PipelineRun } from "@dataflow/core";
import cliProgress from "cli-progress";
import { formatDuration } from "./format-summary.js";
import type { LogSink } from "./logging/log-sink.js";

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between plain lines when not on a TTY. */
  intervalSec: number;
  /** Pretty log lines: while bars are drawn they are printed above them, never over them. */
  logs?: LogSink;
  /** --limit, which caps the estimated total. */
  limit?: number;
  /** Per step id: a few words on its serving's work in flight (batches by status), shown beside its bar. */
  notes?: Readonly<Record<string, () => string | undefined>>;
}

/** Each LLM step's note: what its serving says of its work in flight (a batch serving's batches). */
export function servingNotes(
  plan: Pick<PipelinePlan, "steps">,
  servings: Readonly<Record<string, LLMServingABC>>,
): Record<string, () => string | undefined> {
  const notes: Record<string, () => string | undefined> = {};
  for (const step of plan.steps) {
    const serving = step.serving === undefined ? undefined : servings[step.serving];
    if (serving) notes[step.id] = () => serving.progressNote();
  }
  return notes;
}

/** What the progress display reads of a run. */
export type RunCounts = Pick<PipelineRun, "stats" | "sourceProgress"> & {
  /** --limit: no more source rows than this will be read. */
  limit?: number;
};

/** Estimated total source rows, from the fraction of the input bytes read so far. */
function estimateTotal(run: RunCounts): number | undefined {
  const p = run.sourceProgress();
  const read = run.stats.source.read + run.stats.source.bad;
  if (run.stats.source.done) return read;
  if (!p?.bytesTotal || !p.bytesRead) return run.limit;
  const estimate = Math.max(read, Math.round((read * p.bytesTotal) / p.bytesRead));
  return run.limit === undefined ? estimate : Math.min(run.limit, estimate);
}

/**
 * Rows that can still reach each step: the source's (estimated) good rows, less those filtered or
 * rejected by the steps before it, plus the rows their expansions added. A finished run's bars end full.
 */
export function stepTotals(run: RunCounts): (number | undefined)[] {
  const source = estimateTotal(run);
  let arriving = source === undefined ? undefined : Math.max(0, source - run.stats.source.bad);
  return run.stats.steps.map((s) => {
    const total = arriving;
    if (arriving !== undefined) arriving += s.expandedExtra - s.filtered - s.rejected;
    return total;
  });
}

/** Input rows a step has finished with (an expanded row counts once). */
export function stepDone(s: PipelineRun["stats"]["steps"][number]): number {
  return s.out + s.filtered + s.rejected - s.expandedExtra;
}

function rate(done: number, since: number | undefined): number {
  const secs = since ? (Date.now() - since) / 1000 : 0;
  return secs > 0 ? done / secs : 0;
}

/**
 * Progress per step: bars with rows, rate and ETA on a TTY; otherwise a plain
 * line every `intervalSec` (for logs and CI). Returns a function that stops it.
 */
export function showProgress(pipelineRun: PipelineRun, options: ProgressOptions): () => void {
  const run: RunCounts = {
    get stats() {
      return pipelineRun.stats;
    },
    sourceProgress: () => pipelineRun.sourceProgress(),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  };
  const notes = options.notes ?? {};
  return options.stream.isTTY
    ? barProgress(run, options.stream, options.logs, notes)
    : lineProgress(run, options, notes);
}

type Notes = NonNullable<ProgressOptions["notes"]>;

function lineProgress(run: RunCounts, { stream, intervalSec }: ProgressOptions, notes: Notes): () => void {
  const print = (): void => {
    const total = estimateTotal(run);
    const parts = [`source ${run.stats.source.read}${total ? `/${total}` : ""}`];
    const totals = stepTotals(run);
    run.stats.steps.forEach((s, i) => {
      const total = totals[i];
      const done = stepDone(s);
      const r = rate(done, s.startedAt);
      const eta =
        total && r > 0 ? ` ETA ${formatDuration(Math.max(0, Math.round(((total - done) / r) * 1000)))}` : "";
      const note = notes[s.id]?.();
      parts.push(
        `${s.id} ${done}${total !== undefined ? `/${total}` : ""} (${r.toFixed(1)}/s${eta}${note ? `; ${note}` : ""})`,
      );
    });
    stream.write(`[progress ${formatDuration(Date.now() - run.stats.startedAt)}] ${parts.join(" | ")}\n`);
  };
  const timer = setInterval(print, intervalSec * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

function barProgress(
  run: RunCounts,
  stream: NodeJS.WritableStream,
  logs: LogSink | undefined,
  notes: Notes,
): () => void {
  const multibar = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WritableStream as never,
      format: " {step} |{bar}| {value}/{total} rows | {rate}/s | ETA {etaText} {extra}",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      forceRedraw: false,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const width = Math.max(8, ...run.stats.steps.map((s) => s.id.length));
  const bars = run.stats.steps.map((s) =>
    multibar.create(1, 0, { step: s.id.padEnd(width), rate: "0.0", etaText: "?", extra: "" }),
  );
  // cli-progress prints logged lines above the bars at its next redraw, over the rows the bars held:
  // it clears only the first, so each line erases to its end (ESC[K), or a longer bar's tail stays.
  logs?.routeTo((line) => multibar.log(line.replaceAll("\n", "\x1b[K\n")));
  const update = (): void => {
    const totals = stepTotals(run);
    run.stats.steps.forEach((s, i) => {
      const done = stepDone(s);
      // Unknown (no size to extrapolate from yet): one more than has arrived so far.
      const total = totals[i] ?? done + 1;
      const r = rate(done, s.startedAt);
      const bar = bars[i];
      if (!bar) return;
      bar.setTotal(Math.max(total, done));
      const note = notes[s.id]?.() ?? "";
      const issues = [
        s.filtered ? `${s.filtered} filtered` : "",
        s.rejected ? `${s.rejected} rejected` : "",
        note,
      ]
        .filter(Boolean)
        .join(", ");
      bar.update(done, {
        rate: r.toFixed(1),
        etaText:
          r > 0 && total > done
            ? formatDuration(Math.round(((total - done) / r) * 1000))
            : done >= total
              ? "0 s"
              : "?",
        extra: issues,
      });
    });
  };
  const timer = setInterval(update, 200);
  timer.unref();
  return () => {
    clearInterval(timer);
    update();
    multibar.update(); // flush lines logged since the last redraw
    multibar.stop();
    logs?.routeTo(undefined);
  };
}
