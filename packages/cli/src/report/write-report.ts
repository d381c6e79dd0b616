import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type PipelinePlan, type RunSummary, redact } from "@dataflow/core";
import type { FileRunStore } from "@dataflow/storage";
import { displayPath } from "../format-summary.js";
import { renderReport } from "./render-report.js";
import { firstRows, groupRejects } from "./report-data.js";

/** `<output folder>/<pipeline name>.report.html`: beside the output, e.g. out/rare.report.html. */
export function reportPathFor(plan: PipelinePlan): string {
  return join(dirname(plan.output.path), `${plan.name}.report.html`);
}

/** Write the run's HTML report; resolves to its path. */
export async function writeRunReport(
  plan: PipelinePlan,
  summary: RunSummary,
  runStore: FileRunStore,
  sampleRows = 5,
): Promise<string> {
  const path = reportPathFor(plan);
  const html = renderReport({
    summary,
    pipeline: displayPath(plan.file),
    generatedAt: new Date().toISOString(),
    rejects: await groupRejects(runStore.readRejects()),
    sample: summary.output ? await firstRows(summary.output, sampleRows, plan.output.format) : [],
  });
  await mkdir(dirname(path), { recursive: true });
  // The report shows rejects, sample rows and settings: secrets recorded at interpolation are cut out.
  await writeFile(path, redact(html));
  return path;
}

/** Write the report and say where; a report that cannot be written is a warning, never a failed run. */
export async function reportRun(
  plan: PipelinePlan,
  summary: RunSummary,
  runStore: FileRunStore,
  out: NodeJS.WritableStream,
): Promise<void> {
  try {
    out.write(`  report: ${displayPath(await writeRunReport(plan, summary, runStore))}\n`);
  } catch (err) {
    out.write(`  warning: the HTML report was not written: ${(err as Error).message}\n`);
  }
}
