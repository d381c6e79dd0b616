import type { LocalGpu } from "./local-runtime.js";

/** Settings of the local serving that the pipeline's serving config has no field for yet. */
export interface LocalEnvSettings {
  /** DATAFLOW_LOCAL_MODEL: the model `type: auto` falls back to. */
  model?: string;
  /** DATAFLOW_LOCAL_THREADS */
  threads?: number;
  /** DATAFLOW_LOCAL_CONTEXT_SIZE: tokens per sequence. */
  contextSize?: number;
  /** DATAFLOW_LOCAL_GPU: auto, false (CPU only), metal, cuda or vulkan. */
  gpu?: LocalGpu;
  /** DATAFLOW_LOCAL_MODEL_SHA256: the sha256 the model file must have. */
  sha256?: string;
  /** DATAFLOW_MODELS_DIR: where models are downloaded, shared across pipelines. */
  modelsDir?: string;
}

const GPUS: Record<string, LocalGpu> = {
  auto: "auto",
  metal: "metal",
  cuda: "cuda",
  vulkan: "vulkan",
  false: false,
  off: false,
  none: false,
  cpu: false,
};

/** The local serving's settings from the environment; throws an Error naming the variable when one is malformed. */
export function localEnvSettings(env: Record<string, string | undefined>): LocalEnvSettings {
  const out: LocalEnvSettings = {};
  const model = value(env, "DATAFLOW_LOCAL_MODEL");
  if (model) out.model = model;
  const threads = positiveInt(env, "DATAFLOW_LOCAL_THREADS");
  if (threads !== undefined) out.threads = threads;
  const contextSize = positiveInt(env, "DATAFLOW_LOCAL_CONTEXT_SIZE");
  if (contextSize !== undefined) out.contextSize = contextSize;
  const gpu = value(env, "DATAFLOW_LOCAL_GPU");
  if (gpu !== undefined) {
    const g = GPUS[gpu.toLowerCase()];
    if (g === undefined)
      throw new Error(
        `DATAFLOW_LOCAL_GPU must be one of auto, false, metal, cuda, vulkan; got ${JSON.stringify(gpu)}`,
      );
    out.gpu = g;
  }
  const sha256 = value(env, "DATAFLOW_LOCAL_MODEL_SHA256");
  if (sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(sha256))
      throw new Error(`DATAFLOW_LOCAL_MODEL_SHA256 must be 64 hex digits; got ${JSON.stringify(sha256)}`);
    out.sha256 = sha256.toLowerCase();
  }
  const modelsDir = value(env, "DATAFLOW_MODELS_DIR");
  if (modelsDir) out.modelsDir = modelsDir;
  return out;
}

function value(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function positiveInt(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer; got ${JSON.stringify(v)}`);
  return n;
}
