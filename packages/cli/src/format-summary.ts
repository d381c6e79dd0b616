import { relative } from "node:path";
import type { EndpointStats, RunSummary, UsageTotals } from "@dataflow/core";

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  "),
    )
    .join("\n");
}

function top(map: Record<string, number>): string {
  return Object.entries(map)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v}× ${k}`)
    .join("; ");
}

/** A path relative to the cwd when it is inside it, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") ? rel : path;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** The run summary for people: per-step counts that reconcile, reasons, where files went. */
export function formatSummary(summary: RunSummary, cwd = process.cwd()): string {
  const lines: string[] = [];
  const status = summary.status === "ok" ? "done" : summary.status;
  lines.push(
    `run "${summary.pipeline}" ${status} in ${formatDuration(summary.durationMs)}${summary.reason ? `: ${summary.reason}` : ""}`,
  );
  const rows: string[][] = [["step", "op", "in", "out", "filtered", "rejected", "unfinished", "cached"]];
  rows.push([
    "(source)",
    "",
    String(summary.source.read + summary.source.bad),
    String(summary.source.read),
    "0",
    String(summary.source.bad),
    "0",
    "",
  ]);
  for (const s of summary.steps) {
    rows.push([
      s.id,
      s.op,
      String(s.in),
      String(s.out),
      String(s.filtered),
      String(s.rejected),
      String(s.unfinished),
      String(s.replayed),
    ]);
  }
  lines.push(table(rows).replace(/^/gm, "  "));
  for (const s of summary.steps) {
    if (s.filtered) lines.push(`  ${s.id}: filtered ${top(s.filteredBy)}`);
    if (s.rejected) lines.push(`  ${s.id}: rejected ${top(s.rejectedBy)}`);
    if (s.expandedExtra) lines.push(`  ${s.id}: ${s.expandedExtra} extra rows from expansion`);
  }
  for (const s of summary.steps) {
    const counters = Object.entries(s.counters);
    if (counters.length) lines.push(`  ${s.id}: ${counters.map(([k, v]) => `${k} ${v}`).join(", ")}`);
    for (const [metric, d] of Object.entries(s.distributions)) {
      lines.push(
        `  ${s.id}: ${metric} mean ${num(d.mean)}, median ${num(d.p50)}, p90 ${num(d.p90)}, range ${num(d.min)}–${num(d.max)} (n=${d.count})`,
      );
    }
    if (s.usage) lines.push(`  ${s.id}: ${formatUsage(s.usage)}`);
  }
  if (summary.usage) lines.push(`  LLM total: ${formatUsage(summary.usage)}`);
  for (const [serving, endpoints] of Object.entries(summary.endpoints ?? {})) {
    for (const e of endpoints) lines.push(`  ${serving} @ ${formatEndpoint(e)}`);
  }
  if (summary.output) lines.push(`  wrote ${summary.written} rows to ${displayPath(summary.output, cwd)}`);
  else lines.push(`  output not written (${summary.written} rows were ready)`);
  if (summary.runDir) lines.push(`  step caches and manifest: ${displayPath(summary.runDir, cwd)}`);
  if (summary.rejectsFile && summary.rejected) {
    lines.push(
      `  rejects: ${summary.rejected} in ${displayPath(summary.rejectsFile, cwd)} (rate ${(summary.rejectRate * 100).toFixed(1)}%, limit ${(summary.maxRejectRate * 100).toFixed(1)}%)`,
    );
  }
  if (summary.rejected) lines.push(`  list them: dataflow rejects <pipeline>`);
  lines.push(
    `  reconciled: ${summary.reconciled ? "yes, every row is accounted for" : "NO — some rows are unaccounted for; please report this"}`,
  );
  return lines.join("\n");
}

export function formatUsage(u: UsageTotals): string {
  const cost = u.cost !== undefined ? `, $${u.cost.toFixed(4)}` : "";
  return `${u.requests} requests (${u.cached} from cache), ${u.promptTokens} prompt + ${u.completionTokens} completion tokens${cost}`;
}

/** One endpoint of a serving spread over several: its requests, errors and latency. */
export function formatEndpoint(e: EndpointStats): string {
  const latency = e.p50Ms !== undefined ? `, p50 ${e.p50Ms} ms, p95 ${e.p95Ms ?? e.p50Ms} ms` : "";
  const out = e.takenOut
    ? `, taken out ${e.takenOut}×${e.inRotation ? "" : " (out of rotation at the end)"}`
    : "";
  return `${e.url}: ${e.requests} requests, ${e.errors} errors${latency}${out}`;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 10 ? 1 : 3);
}
