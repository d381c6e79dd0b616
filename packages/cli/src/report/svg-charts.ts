import type { DistributionSummary, RunSummary } from "@dataflow/core";
import { escapeHtml, fmt } from "./html.js";

export const COLORS = { out: "#2f855a", filtered: "#d69e2e", rejected: "#c53030", unfinished: "#a0aec0" };
const BAR = "#3182ce";

/** A histogram of one distribution: bars over its bins, the range underneath, the tallest count on the axis. */
export function histogramSvg(d: DistributionSummary): string {
  const w = 320;
  const h = 120;
  const pad = { l: 34, b: 22, t: 8 };
  const { counts, lo, width } = d.histogram;
  const peak = Math.max(1, ...counts);
  const bw = (w - pad.l) / counts.length;
  const bars = counts
    .map((c, i) => {
      const bh = ((h - pad.b - pad.t) * c) / peak;
      const from = fmt(lo + i * width);
      return `<rect x="${(pad.l + i * bw + 1).toFixed(1)}" y="${(h - pad.b - bh).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${BAR}"><title>${escapeHtml(`${from} to ${fmt(lo + (i + 1) * width)}: ${c}`)}</title></rect>`;
    })
    .join("");
  const axis = `<line x1="${pad.l}" y1="${h - pad.b}" x2="${w}" y2="${h - pad.b}" stroke="#4a5568"/>`;
  const labels =
    `<text x="${pad.l}" y="${h - 6}" font-size="11">${escapeHtml(fmt(d.min))}</text>` +
    `<text x="${w}" y="${h - 6}" font-size="11" text-anchor="end">${escapeHtml(fmt(d.max))}</text>` +
    `<text x="${pad.l - 4}" y="${pad.t + 10}" font-size="11" text-anchor="end">${peak}</text>` +
    `<text x="${pad.l - 4}" y="${h - pad.b}" font-size="11" text-anchor="end">0</text>`;
  return `<svg class="chart" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${axis}${bars}${labels}</svg>`;
}

interface FunnelRow {
  label: string;
  in: number;
  parts: { key: keyof typeof COLORS; n: number }[];
}

/** Rows through the pipeline: one bar per step, as long as the rows that entered it, split by outcome. */
export function funnelSvg(summary: RunSummary): string {
  const rows: FunnelRow[] = [
    {
      label: "(source)",
      in: summary.source.read + summary.source.bad,
      parts: [
        { key: "out", n: summary.source.read },
        { key: "rejected", n: summary.source.bad },
      ],
    },
    ...summary.steps.map((s) => ({
      label: s.id,
      in: s.in + s.expandedExtra,
      parts: [
        { key: "out" as const, n: s.out },
        { key: "filtered" as const, n: s.filtered },
        { key: "rejected" as const, n: s.rejected },
        { key: "unfinished" as const, n: s.unfinished },
      ],
    })),
  ];
  const w = 640;
  const rowH = 26;
  const labelW = 120;
  const peak = Math.max(1, ...rows.map((r) => r.in));
  const scale = (w - labelW - 150) / peak;
  const svgRows = rows.map((r, i) => funnelRow(r, i * rowH, labelW, scale)).join("");
  const h = rows.length * rowH + 4;
  return `<svg class="chart" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${svgRows}</svg>`;
}

function funnelRow(r: FunnelRow, y: number, labelW: number, scale: number): string {
  let x = labelW;
  const segs = r.parts
    .filter((p) => p.n > 0)
    .map((p) => {
      const seg = `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${Math.max(2, p.n * scale).toFixed(1)}" height="18" fill="${COLORS[p.key]}"><title>${escapeHtml(`${r.label}: ${p.n} ${p.key}`)}</title></rect>`;
      x += Math.max(2, p.n * scale);
      return seg;
    })
    .join("");
  const text = r.parts
    .filter((p) => p.n > 0 && p.key !== "out")
    .map((p) => `${p.n} ${p.key}`)
    .join(", ");
  const out = r.parts.find((p) => p.key === "out")?.n ?? 0;
  return (
    `<text x="0" y="${y + 17}" font-size="12">${escapeHtml(r.label)}</text>${segs}` +
    `<text x="${(x + 6).toFixed(1)}" y="${y + 17}" font-size="11">${escapeHtml(`${r.in} → ${out}${text ? ` (${text})` : ""}`)}</text>`
  );
}

/** Prompt and completion tokens per LLM step, stacked. */
export function tokensSvg(summary: RunSummary): string | undefined {
  const steps = summary.steps.filter((s) => s.usage && s.usage.promptTokens + s.usage.completionTokens > 0);
  if (!steps.length) return undefined;
  const w = 640;
  const rowH = 26;
  const labelW = 120;
  const total = (s: (typeof steps)[number]) =>
    (s.usage?.promptTokens ?? 0) + (s.usage?.completionTokens ?? 0);
  const scale = (w - labelW - 200) / Math.max(1, ...steps.map(total));
  const rows = steps
    .map((s, i) => {
      const y = i * rowH;
      const p = (s.usage?.promptTokens ?? 0) * scale;
      const c = (s.usage?.completionTokens ?? 0) * scale;
      return (
        `<text x="0" y="${y + 17}" font-size="12">${escapeHtml(s.id)}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${Math.max(1, p).toFixed(1)}" height="18" fill="${BAR}"/>` +
        `<rect x="${(labelW + p).toFixed(1)}" y="${y + 4}" width="${Math.max(1, c).toFixed(1)}" height="18" fill="#dd6b20"/>` +
        `<text x="${(labelW + p + c + 6).toFixed(1)}" y="${y + 17}" font-size="11">${escapeHtml(`${s.usage?.promptTokens} prompt + ${s.usage?.completionTokens} completion`)}</text>`
      );
    })
    .join("");
  const h = steps.length * rowH + 4;
  return `<svg class="chart" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${rows}</svg>`;
}
