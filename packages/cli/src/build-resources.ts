import { join } from "node:path";
import {
  type LLMServingABC,
  type OperatorRegistry,
  type PipelinePlan,
  type RetrieverABC,
  streamLogger,
} from "@dataflow/core";
import { runDirFor } from "./commands/run.js";
import type { CliIO } from "./io.js";
import type { CliLogger } from "./logging/cli-logger.js";

export interface Resources {
  servings: Record<string, LLMServingABC>;
  retrievers: Record<string, RetrieverABC>;
}

/**
 * The servings and retrievers a run needs, each built by its registered kind's factory (loaded first): those
 * steps name, and the servings those retrievers use. Nothing is loaded or downloaded yet. Throws
 * an Error saying what to fix when a config or the environment is malformed; what was built by
 * then is in `into`, for the caller to close.
 */
export async function buildResources(
  plan: PipelinePlan,
  registry: OperatorRegistry,
  io: CliIO,
  into: Resources,
  logger?: CliLogger,
): Promise<void> {
  const scoped = (scope: string) => logger?.scope(scope) ?? streamLogger(scope, io.stderr);
  const retrieverNames = new Set(plan.steps.flatMap((s) => (s.retriever ? [s.retriever] : [])));
  const servingNames = new Set([
    ...plan.steps.flatMap((s) => (s.serving ? [s.serving] : [])),
    ...[...retrieverNames].flatMap((r) => {
      const serving = plan.retrievers[r]?.serving;
      return typeof serving === "string" ? [serving] : [];
    }),
  ]);
  const servingContext = {
    env: io.env,
    cacheDir: join(plan.cache.dir, "responses"),
    // Batch servings journal their batches here, so a killed run resumes them.
    runDir: runDirFor(plan),
    logger: scoped("serving"),
    // Under the run's logger a model download reports 10% steps as log lines (above the bars), not a bar of its own.
    progressStream: logger ? { write: (text: string) => io.stderr.write(text), isTTY: false } : io.stderr,
  };
  for (const name of servingNames) {
    const config = plan.servings[name];
    if (!config) continue;
    const kind = registry.servingKinds.require(config.type);
    await kind.load?.();
    into.servings[name] = kind.create(name, config, servingContext);
  }
  const retrieverContext = { servings: into.servings, logger: scoped("retrieval") };
  for (const name of retrieverNames) {
    const config = plan.retrievers[name];
    if (!config) continue;
    into.retrievers[name] = registry.retrieverKinds
      .require(config.type)
      .create(name, config, retrieverContext);
  }
}

/** Retrievers first: they may still use a serving. */
export async function closeResources(resources: Resources): Promise<void> {
  for (const retriever of Object.values(resources.retrievers)) await retriever.close();
  for (const serving of Object.values(resources.servings)) await serving.close();
}
