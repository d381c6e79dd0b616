import { createHash } from "node:crypto";
import { canonicalJson, type PipelinePlan, type SourceIdentity } from "@dataflow/core";
import type { Resources } from "../build-resources.js";

/**
 * What a coordinator and its workers must agree on to share chunks: the input's identity and every
 * step as step fingerprints see it (operator and version, params, bindings, the serving's model and
 * settings, the retriever). Computed the same way in every process that compiled the same pipeline
 * over the same input, so a worker started with another file or other `--set`s gets another queue.
 * The run directory enters too: workers write chunk results where the coordinator reads them, so two
 * runs of one pipeline with different cache directories never share a queue. Secrets never enter:
 * servings and retrievers fingerprint without keys. Hex, for queue and file names.
 */
export function pipelineDigest(
  plan: PipelinePlan,
  source: SourceIdentity,
  resources: Resources,
  runDir: string,
): string {
  const material = canonicalJson({
    v: 1,
    name: plan.name,
    runDir,
    source: { ...source },
    idColumn: plan.source.idColumn ?? null,
    format: plan.source.format ?? null,
    sourceOptions: plan.source.options ?? null,
    steps: plan.steps.map((s) => ({
      id: s.id,
      op: s.op.spec.name,
      version: s.op.spec.version,
      params: s.params,
      inputs: s.inputs,
      outputs: s.outputs,
      serving: s.serving ? (resources.servings[s.serving]?.fingerprint() ?? s.serving) : null,
      retriever: s.retriever ? (resources.retrievers[s.retriever]?.fingerprint() ?? s.retriever) : null,
    })),
  });
  return createHash("sha256").update(material).digest("hex");
}
