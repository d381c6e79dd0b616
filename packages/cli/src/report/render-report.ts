import type { Row, RunSummary } from "@dataflow/core";
import { formatEndpoint } from "../format-summary.js";
import { escapeHtml, fmt, htmlTable } from "./html.js";
import type { RejectGroup, ReportData } from "./report-data.js";
import { COLORS, funnelSvg, histogramSvg, tokensSvg } from "./svg-charts.js";

// No network: the page may load nothing at all, not even an image, and runs no script.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1040px;color:#1a202c;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0}
table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 10px;border-bottom:1px solid #edf2f7;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#718096}
.cards{display:flex;flex-wrap:wrap;gap:14px}.card{border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px}
.card h3{font-size:13px;margin:0 0 4px}.ok{color:#2f855a}.bad{color:#c53030}
pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:12px}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
details>summary{cursor:pointer}`;

/** The run report as one self-contained HTML page: every value from the run is escaped. */
export function renderReport(data: ReportData): string {
  const { summary } = data;
  const sections = [
    header(data),
    `<h2>Steps</h2>${stepsTable(summary)}`,
    `<h2>Rows through the pipeline</h2>${legend()}${funnelSvg(summary)}`,
    distributions(summary),
    tokens(summary),
    rejects(data.rejects),
    sample(data.sample),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(`run report: ${summary.pipeline}`)}</title><style>${STYLE}</style></head>
<body>
${sections.join("\n")}
</body></html>
`;
}

function header({ summary, pipeline, generatedAt }: ReportData): string {
  const status = summary.status === "ok" ? "done" : summary.status;
  const facts: [string, string][] = [
    ["pipeline", pipeline],
    ["status", `${status}${summary.reason ? `: ${summary.reason}` : ""}`],
    ["duration", `${fmt(summary.durationMs / 1000)} s`],
    [
      "rows written",
      `${summary.written}${summary.output ? ` to ${summary.output}` : " (output not written)"}`,
    ],
    ["filtered", String(summary.filtered)],
    [
      "rejected",
      `${summary.rejected} (${fmt(summary.rejectRate * 100)}%, limit ${fmt(summary.maxRejectRate * 100)}%)`,
    ],
    [
      "reconciled",
      summary.reconciled ? "yes, every row is accounted for" : "NO: some rows are unaccounted for",
    ],
    ["report written", generatedAt],
  ];
  if (summary.usage)
    facts.splice(6, 0, [
      "LLM total",
      `${summary.usage.requests} requests (${summary.usage.cached} from cache), ${summary.usage.promptTokens} prompt + ${summary.usage.completionTokens} completion tokens`,
    ]);
  const endpoints = Object.entries(summary.endpoints ?? {}).flatMap(([serving, list]) =>
    list.map((e): [string, string] => [`endpoint of ${serving}`, formatEndpoint(e)]),
  );
  facts.splice(facts.length - 1, 0, ...endpoints);
  const cls = summary.status === "ok" ? "ok" : "bad";
  return `<h1>Run report: ${escapeHtml(summary.pipeline)} <span class="${cls}">${escapeHtml(status)}</span></h1>
<table class="facts">${facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>`;
}

function stepsTable(summary: RunSummary): string {
  const rows: (string | number)[][] = [
    [
      "(source)",
      "",
      summary.source.read + summary.source.bad,
      summary.source.read,
      0,
      summary.source.bad,
      0,
      "",
    ],
    ...summary.steps.map((s) => [s.id, s.op, s.in, s.out, s.filtered, s.rejected, s.unfinished, s.replayed]),
  ];
  const table = htmlTable(["step", "op", "in", "out", "filtered", "rejected", "unfinished", "cached"], rows);
  const reasons = summary.steps.flatMap((s) => [
    ...Object.entries(s.filteredBy).map(([r, n]) => [s.id, "filtered", r, n] as (string | number)[]),
    ...Object.entries(s.rejectedBy).map(([r, n]) => [s.id, "rejected", r, n] as (string | number)[]),
  ]);
  return reasons.length ? `${table}${htmlTable(["step", "outcome", "reason", "rows"], reasons)}` : table;
}

function legend(): string {
  return `<div class="legend muted">${Object.entries(COLORS)
    .map(([k, c]) => `<span style="background:${c}"></span>${escapeHtml(k)}`)
    .join("")}</div>`;
}

function distributions(summary: RunSummary): string {
  const cards = summary.steps.flatMap((s) =>
    Object.entries(s.distributions).map(([metric, d]) => {
      const note = d.histogram.sampled < d.count ? ` (bars: a sample of ${d.histogram.sampled})` : "";
      return `<div class="card"><h3>${escapeHtml(`${s.id}: ${metric}`)}</h3>${histogramSvg(d)}
<div class="muted">${escapeHtml(`mean ${fmt(d.mean)}, median ${fmt(d.p50)}, p90 ${fmt(d.p90)}, n=${d.count}${note}`)}</div></div>`;
    }),
  );
  return cards.length ? `<h2>Distributions</h2><div class="cards">${cards.join("\n")}</div>` : "";
}

function tokens(summary: RunSummary): string {
  const svg = tokensSvg(summary);
  return svg
    ? `<h2>Tokens per step</h2><div class="legend muted"><span style="background:#3182ce"></span>prompt<span style="background:#dd6b20"></span>completion</div>${svg}`
    : "";
}

function rejects(groups: readonly RejectGroup[]): string {
  if (!groups.length) return `<h2>Rejects</h2><p class="muted">No row was rejected.</p>`;
  const blocks = groups.map(
    (g) =>
      `<h3>${escapeHtml(`${g.stepId}: ${g.count}× ${g.type}`)}</h3>${htmlTable(
        ["row", "message", "raw"],
        g.examples.map((r) => [r.rowId, fold(r.message, 300), fold(r.raw ?? "", 300)]),
      )}`,
  );
  return `<h2>Rejects by reason</h2>${blocks.join("\n")}`;
}

/** Text cut to `max` characters, saying how much was left out. */
function fold(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

function sample(rows: readonly Row[]): string {
  if (!rows.length) return `<h2>Sample output rows</h2><p class="muted">No output rows.</p>`;
  const blocks = rows.map(
    (row, i) =>
      `<details${i === 0 ? " open" : ""}><summary>row ${i + 1}</summary>${htmlTable(
        ["column", "value"],
        Object.entries(row).map(([k, v]) => [k, fold(typeof v === "string" ? v : JSON.stringify(v), 600)]),
      )}</details>`,
  );
  return `<h2>Sample output rows (first ${rows.length})</h2>${blocks.join("\n")}`;
}
