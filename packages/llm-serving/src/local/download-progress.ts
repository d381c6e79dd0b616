import type { Logger } from "@dataflow/core";

/** Where a progress bar is drawn: a terminal stream (stderr), redrawn in place. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface DownloadProgress {
  update(downloadedBytes: number, totalBytes: number): void;
  /** Ends the bar's line; call once, whether or not the download succeeded. */
  finish(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 200;

/**
 * A download's progress: a bar redrawn in place on a terminal, or, when the stream is not a
 * terminal (CI, a log file), a plain line per 10% through the logger, so logs stay readable.
 */
export function downloadProgress(
  what: string,
  options: { stream?: ProgressStream; logger: Logger; now?: () => number },
): DownloadProgress {
  const now = options.now ?? (() => performance.now());
  const tty = options.stream?.isTTY === true ? options.stream : undefined;
  const startedAt = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastTenth = -1;
  let drawn = false;

  return {
    update(done, total) {
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const seconds = (now() - startedAt) / 1000;
      const speed = seconds > 0 ? done / seconds : 0;
      if (tty) {
        const t = now();
        if (t - lastDraw < REDRAW_MS && done < total) return;
        lastDraw = t;
        const filled = Math.round(fraction * BAR_WIDTH);
        const bar = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
        const eta = speed > 0 && total > done ? `, ${formatSeconds((total - done) / speed)} left` : "";
        tty.write(
          `\r\x1b[2K${what} ${bar} ${Math.floor(fraction * 100)}% ${formatBytes(done)}/${formatBytes(total)} (${formatBytes(speed)}/s${eta})`,
        );
        drawn = true;
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      options.logger.info(`${what}: ${tenth * 10}% of ${formatBytes(total)} (${formatBytes(speed)}/s)`);
    },
    finish() {
      if (drawn) tty?.write("\n");
      drawn = false;
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${Math.round(bytes)} B`;
}

function formatSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.ceil(s)} s`;
}
