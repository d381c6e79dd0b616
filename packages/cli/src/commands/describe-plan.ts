import { join } from "node:path";
import type { OperatorRegistry, PipelinePlan } from "@dataflow/core";
import { displayPath } from "../format-summary.js";

/** The plan in a few lines; with the registry, retrievers say which files they read and why they use a serving. */
export function describePlan(plan: PipelinePlan, cwd = process.cwd(), registry?: OperatorRegistry): string {
  const lines = [
    `pipeline "${plan.name}" (${displayPath(plan.file, cwd)})`,
    `  source: ${displayPath(plan.source.path, cwd)} — columns: ${plan.source.columns.join(", ") || "(unknown)"}`,
  ];
  for (const s of plan.steps) {
    const ins = Object.entries(s.inputs).map(([p, c]) => (p === c ? p : `${p}←${c}`));
    const outs = Object.entries(s.outputs).map(([p, c]) => (p === c ? p : `${p}→${c}`));
    lines.push(
      `  ${s.id}: ${s.op.spec.name}${s.serving ? ` [serving ${s.serving}]` : ""}${s.retriever ? ` [retriever ${s.retriever}]` : ""}${ins.length ? ` in(${ins.join(", ")})` : ""}${outs.length ? ` out(${outs.join(", ")})` : ""}`,
    );
  }
  for (const [name, r] of Object.entries(plan.retrievers)) {
    if (plan.steps.some((s) => s.retriever === name))
      lines.push(`  ${describeRetriever(name, r, cwd, registry)}`);
  }
  lines.push(`  output: ${displayPath(plan.output.path, cwd)} — columns: ${plan.columns.join(", ")}`);
  lines.push(`  caches, manifest and rejects: ${displayPath(runDirFor(plan), cwd)}`);
  return lines.join("\n");
}

function describeRetriever(
  name: string,
  config: PipelinePlan["retrievers"][string],
  cwd: string,
  registry: OperatorRegistry | undefined,
): string {
  const kind = registry?.retrieverKinds.get(config.type);
  const files = (kind?.paths ?? []).flatMap((key) => {
    const path = config[key];
    return typeof path === "string" ? [displayPath(path, cwd)] : [];
  });
  const why = kind?.serving.use === "required" ? ` ${kind.serving.why}` : "";
  const serving = typeof config.serving === "string" ? ` (serving ${config.serving}${why})` : "";
  return `retriever ${name}: ${config.type}${files.length ? ` over ${files.join(", ")}` : ""}${serving}`;
}

/** Where a pipeline's step caches, manifest and rejects live between runs. */
export function runDirFor(plan: PipelinePlan): string {
  return join(plan.cache.dir, plan.name);
}
