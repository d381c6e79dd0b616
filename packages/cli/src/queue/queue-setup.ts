import type { OperatorRegistry, PipelinePlan, SourceIdentity } from "@dataflow/core";
import type { FileStorage } from "@dataflow/storage";
import { buildResources, closeResources, type Resources } from "../build-resources.js";
import { runDirFor } from "../commands/run.js";
import type { CliIO } from "../io.js";
import { type CliLogger, createCliLogger, type LogFormat } from "../logging/cli-logger.js";
import { queueDirFor } from "./chunk-layout.js";
import { inputStorage } from "./chunk-storage.js";
import { pipelineDigest } from "./pipeline-digest.js";

/** What the coordinator and a worker both make from a compiled pipeline before touching the queue. */
export interface QueueSetup {
  plan: PipelinePlan;
  resources: Resources;
  logger: CliLogger;
  input: FileStorage;
  sourceIdentity: SourceIdentity;
  /** See pipelineDigest: the same in every process of one queue run. */
  digest: string;
  queueDir: string;
}

export interface LogFlags {
  verbose?: boolean;
  logFormat?: LogFormat;
}

/** Builds servings and retrievers (nothing loaded yet) and the digest; an Error (exit 2) says what to fix. */
export async function prepareQueueRun(
  plan: PipelinePlan,
  registry: OperatorRegistry,
  io: CliIO,
  flags: LogFlags,
): Promise<QueueSetup> {
  const logger = createCliLogger({
    format: flags.logFormat ?? "pretty",
    verbose: flags.verbose ?? false,
    stream: io.stderr,
    env: io.env,
  });
  const resources: Resources = { servings: {}, retrievers: {} };
  try {
    await buildResources(plan, registry, io, resources, logger);
    const input = inputStorage(plan);
    await input.checkInput();
    const sourceIdentity = await input.sourceIdentity();
    const runDir = runDirFor(plan);
    const digest = pipelineDigest(plan, sourceIdentity, resources, runDir);
    return {
      plan,
      resources,
      logger,
      input,
      sourceIdentity,
      digest,
      queueDir: queueDirFor(runDir, digest),
    };
  } catch (err) {
    await closeResources(resources);
    throw err;
  }
}
