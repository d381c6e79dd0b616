import { resolve } from "node:path";
import type { RetrieverKind } from "../registry/retriever-kind.js";
import { didYouMean } from "../util/did-you-mean.js";
import { reportUnregistered } from "./check-servings.js";
import { blocks, type CompileContext, locator, orList } from "./compile-context.js";
import type { KindConfig } from "./plan.js";

/**
 * The declared retrievers, with the options their kind names as paths made absolute. The schema
 * checked their options; here: the serving each names against what its kind does with one, and
 * that the files it reads exist.
 */
export function checkRetrievers(
  declared: unknown,
  servings: Record<string, KindConfig>,
  ctx: CompileContext,
): Record<string, KindConfig> {
  const retrievers = blocks(declared);
  reportUnregistered("retrievers", retrievers, ctx.registry.retrieverKinds, ctx);
  const out: Record<string, KindConfig> = {};
  for (const [name, config] of Object.entries(retrievers)) {
    if (!config || typeof config !== "object") continue;
    const kind = ctx.registry.retrieverKinds.get(config.type);
    if (!kind) {
      out[name] = config; // reported by the schema's enum, or just above; steps may still name it
      continue;
    }
    checkRetrieverServing(name, config, kind, servings, ctx);
    const { serving, ...rest } = config;
    out[name] = {
      ...rest,
      ...(kind.serving.use === "required" && serving !== undefined ? { serving } : {}),
      ...resolvePaths(name, config, kind, ctx),
    };
  }
  return out;
}

function checkRetrieverServing(
  name: string,
  config: KindConfig,
  kind: RetrieverKind,
  servings: Record<string, KindConfig>,
  ctx: CompileContext,
): void {
  const at = locator(ctx.doc, ["retrievers", name]);
  const { serving } = config;
  if (kind.serving.use === "unused") {
    if (serving === undefined) return;
    const users = ctx.registry.retrieverKinds.list().filter((k) => k.serving.use === "required");
    ctx.diagnostics.push({
      severity: "warning",
      message: `retriever "${name}": a ${kind.type} retriever ${kind.serving.why}; "serving: ${String(serving)}" is ignored`,
      location: at("serving"),
      hint: `remove the serving line${users.length ? `, or use type ${orList(users.map((k) => k.type))}` : ""}`,
    });
  } else if (serving === undefined) {
    ctx.diagnostics.push({
      severity: "error",
      message: `retriever "${name}": a ${kind.type} retriever needs a serving ${kind.serving.why}`,
      location: at(),
      hint: `add "serving: <name>" naming one of: ${Object.keys(servings).join(", ") || "(define one under servings:)"}`,
    });
  } else if (typeof serving === "string" && !(serving in servings)) {
    ctx.diagnostics.push({
      severity: "error",
      message: `retriever "${name}": serving "${serving}" is not defined`,
      location: at("serving"),
      hint: didYouMean(serving, Object.keys(servings)) || "define it under servings:",
    });
  }
}

/** The kind's path options, absolute; an error for each file that does not exist. */
function resolvePaths(
  name: string,
  config: KindConfig,
  kind: RetrieverKind,
  ctx: CompileContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of kind.paths ?? []) {
    const value = config[key];
    if (typeof value !== "string") continue;
    const path = resolve(ctx.baseDir, value);
    out[key] = path;
    if (!ctx.fileExists || ctx.fileExists(path)) continue;
    const about = kind.options.properties?.[key]?.description;
    ctx.diagnostics.push({
      severity: "error",
      message: `retriever "${name}": ${key} file ${path} does not exist`,
      location: ctx.doc.locate(["retrievers", name, key]),
      hint: `${key} paths are relative to the pipeline file${about ? `; ${key}: ${about}` : ""}`,
    });
  }
  return out;
}
