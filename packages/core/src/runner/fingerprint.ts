import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { LLMServingABC } from "../contracts/llm-serving.js";
import type { RetrieverABC } from "../contracts/retriever.js";
import type { PipelinePlan } from "../pipeline/plan.js";
import { canonicalJson } from "../util/canonical-json.js";

export interface SourceIdentity {
  path: string;
  size?: number;
  mtimeMs?: number;
  /** For a source of many files (a folder or a glob): a digest of their names, sizes and times. */
  files?: string;
}

/**
 * Each step's fingerprint: operator name and version, params, bindings, the
 * serving's model and generation settings, and the upstream fingerprint (the
 * source's path, size and modification time for the first step). A change
 * anywhere upstream changes every fingerprint after it, nothing before it.
 * Secrets never enter: servings fingerprint model and settings only. A
 * step's retriever enters with its kind, corpus file identity and params.
 */
export function stepFingerprints(
  plan: PipelinePlan,
  source: SourceIdentity,
  servings: Record<string, LLMServingABC> = {},
  retrievers: Record<string, RetrieverABC> = {},
): string[] {
  let upstream = digest({
    source: { ...source },
    idColumn: plan.source.idColumn ?? null,
    format: plan.source.format ?? null,
  });
  return plan.steps.map((step) => {
    upstream = digest({
      upstream,
      op: step.op.spec.name,
      version: step.op.spec.version,
      params: step.params,
      inputs: step.inputs,
      outputs: step.outputs,
      serving: step.serving ? (servings[step.serving]?.fingerprint() ?? step.serving) : null,
      ...(step.retriever ? { retriever: retrievers[step.retriever]?.fingerprint() ?? step.retriever } : {}),
      files: (step.op.spec.inputFiles?.(step.params as never) ?? []).map((f) =>
        fileIdentity(resolve(plan.baseDir, f)),
      ),
    });
    return upstream;
  });
}

function fileIdentity(path: string): SourceIdentity {
  try {
    const st = statSync(path);
    return { path, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return { path };
  }
}

function digest(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
