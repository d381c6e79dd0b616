import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createAjv } from "../util/ajv.js";
import { didYouMean } from "../util/did-you-mean.js";
import { type Diagnostic, PipelineError, type SourceLocation } from "../contracts/errors.js";
import type { OperatorClass } from "../contracts/operator.js";
import type { OperatorRegistry } from "../registry/registry.js";
import { bindPorts, validateParams } from "../contracts/step-context.js";
import { checkKeyFlow, type FlowStep } from "./key-flow.js";
import { PipelineDocument } from "./pipeline-document.js";
import { pipelineSchema } from "./pipeline-schema.js";
import type { FileFormatName, PipelinePlan, PlannedStep, RetrieverConfig, ServingConfig } from "./plan.js";
import { schemaDiagnostics } from "./schema-diagnostics.js";

export interface SourceRef {
  path: string;
  format?: FileFormatName;
  idColumn?: string;
}

export interface CompileOptions {
  registry: OperatorRegistry;
  /** Environment for `${VAR}` interpolation (default: process.env). */
  env?: Record<string, string | undefined>;
  /** `path=value` overrides, as `--set` gives them. */
  overrides?: readonly string[];
  /** Replace source.path / output.path (absolute, or relative to the cwd). */
  input?: string;
  output?: string;
  /** Columns of the source, sampled from its first rows; used when `source.columns` is absent. */
  sampleColumns?: (source: SourceRef) => Promise<string[]>;
  /** Whether a file the pipeline reads exists (a retriever's corpus); unchecked when absent. */
  fileExists?: (path: string) => boolean;
}

export interface CompileResult {
  plan?: PipelinePlan;
  diagnostics: Diagnostic[];
}

const validatePipeline = createAjv().compile(pipelineSchema);

interface RawStep {
  id?: unknown;
  op?: unknown;
  serving?: unknown;
  retriever?: unknown;
  inputs?: Record<string, string>;
  outputs?: Record<string, string>;
  params?: Record<string, unknown>;
  concurrency?: number;
}

interface RawPipeline {
  name: string;
  plugins?: string[];
  source: SourceRef & { columns?: string[] };
  output?: { path: string; format?: FileFormatName };
  cache?: { dir: string };
  servings?: Record<string, ServingConfig>;
  retrievers?: Record<string, RetrieverConfig>;
  run?: PipelinePlan["run"];
  steps: RawStep[];
}

/** Read and compile a pipeline file; throws PipelineError listing every problem. */
export async function loadPipeline(
  file: string,
  options: CompileOptions,
): Promise<{ plan: PipelinePlan; diagnostics: Diagnostic[] }> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new PipelineError([
      {
        severity: "error",
        message: `cannot read pipeline file: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`,
        location: { file: path },
        hint: "check the path; pipelines live in pipelines/*.yaml",
      },
    ]);
  }
  const result = await compilePipeline(text, path, options);
  if (!result.plan) throw new PipelineError(result.diagnostics);
  return { plan: result.plan, diagnostics: result.diagnostics };
}

/**
 * Compile pipeline YAML into a plan, before any work or money is spent:
 * YAML syntax, interpolation, the pipeline schema, plugins, operators, each
 * step's params, servings, and the flow of columns. Every problem is collected.
 */
export async function compilePipeline(
  text: string,
  file: string,
  options: CompileOptions,
): Promise<CompileResult> {
  const doc = new PipelineDocument(file, text, options.env ?? process.env, options.overrides ?? []);
  const diagnostics = doc.diagnostics;
  if (!doc.ok) return { diagnostics };

  const raw = doc.toJS() as RawPipeline;
  if (!validatePipeline(raw)) {
    diagnostics.push(...schemaDiagnostics(validatePipeline.errors ?? [], doc, [], "pipeline"));
  }
  const baseDir = dirname(file);
  const registry = options.registry;

  for (const [i, plugin] of (Array.isArray(raw.plugins) ? raw.plugins : []).entries()) {
    if (typeof plugin !== "string") continue;
    try {
      await registry.load(plugin, baseDir);
    } catch (err) {
      diagnostics.push({
        severity: "error",
        message: `cannot load plugin "${plugin}": ${(err as Error).message}`,
        location: doc.locate(["plugins", i]),
        hint: "install the package, or give a path relative to the pipeline file",
      });
    }
  }

  const servings = raw.servings && typeof raw.servings === "object" ? raw.servings : {};
  const retrievers = checkRetrievers(raw.retrievers, servings, baseDir, doc, diagnostics, options.fileExists);
  const steps = Array.isArray(raw.steps) ? raw.steps : [];
  const seenIds = new Map<string, number>();
  const flow: FlowStep[] = [];
  const planned: PlannedStep[] = [];

  for (const [index, step] of steps.entries()) {
    if (!step || typeof step !== "object") continue;
    const at = (...path: (string | number)[]) => doc.locate(["steps", index, ...path]);
    const id = typeof step.id === "string" ? step.id : `#${index + 1}`;
    const first = seenIds.get(id);
    if (first !== undefined) {
      diagnostics.push({
        severity: "error",
        message: `duplicate step id "${id}" (first used by step ${first + 1} at line ${doc.locate(["steps", first, "id"]).line})`,
        location: at("id"),
        hint: "give every step a unique id",
      });
    } else seenIds.set(id, index);
    if (typeof step.op !== "string") continue;

    const cls: OperatorClass | undefined = registry.get(step.op);
    if (!cls) {
      const close = didYouMean(step.op, registry.names());
      diagnostics.push({
        severity: "error",
        message: `step "${id}": unknown operator "${step.op}"`,
        location: at("op"),
        hint:
          close ||
          "run `dataflow operators` to list the registered operators, or add the plugin that provides it under `plugins:`",
      });
      continue;
    }
    const spec = cls.spec;

    const { params, errors } = validateParams(spec, step.params ?? {});
    if (errors.length)
      diagnostics.push(
        ...schemaDiagnostics(errors, doc, ["steps", index, "params"], `step "${id}" (${spec.name}) params`),
      );

    for (const [kind, bound, ports] of [
      ["input", step.inputs, spec.inputs],
      ["output", step.outputs, spec.outputs],
    ] as const) {
      for (const port of Object.keys(bound && typeof bound === "object" ? bound : {})) {
        if (port in ports) continue;
        const names = Object.keys(ports);
        diagnostics.push({
          severity: "error",
          message: `step "${id}": ${spec.name} has no ${kind} port "${port}"`,
          location: doc.locateKey(["steps", index, `${kind}s`], port),
          hint:
            didYouMean(port, names) ||
            (names.length ? `its ${kind} ports are: ${names.join(", ")}` : `it has no ${kind} ports`),
        });
      }
    }

    const servingName = checkStepResource(
      { key: "serving", what: "an LLM serving", section: "servings" },
      step.serving,
      spec.serving,
      servings,
      { id, op: spec.name, at },
      diagnostics,
    );
    const retrieverName = checkStepResource(
      { key: "retriever", what: "a retriever", section: "retrievers" },
      step.retriever,
      spec.retriever,
      retrievers,
      { id, op: spec.name, at },
      diagnostics,
    );

    const inputs = bindPorts(spec.inputs, step.inputs);
    const outputs = bindPorts(spec.outputs, step.outputs);
    if (!errors.length) {
      flow.push({
        id,
        index,
        spec: spec as never,
        params,
        boundInputs: step.inputs ?? {},
        boundOutputs: step.outputs ?? {},
        inputs,
        outputs,
      });
    }
    planned.push({
      id,
      op: cls,
      params,
      inputs,
      outputs,
      ...(servingName ? { serving: servingName } : {}),
      ...(retrieverName && spec.retriever ? { retriever: retrieverName } : {}),
      ...(step.concurrency ? { concurrency: step.concurrency } : {}),
      location: at(),
    });
  }

  const source = raw.source && typeof raw.source === "object" ? raw.source : undefined;
  let columns: string[] = [];
  if (source && typeof source.path === "string") {
    const sourcePath = options.input ? resolve(options.input) : resolve(baseDir, source.path);
    let sourceColumns: string[] | undefined = source.columns;
    if (!sourceColumns && options.sampleColumns) {
      try {
        sourceColumns = await options.sampleColumns({ ...source, path: sourcePath });
      } catch (err) {
        diagnostics.push({
          severity: "error",
          message: `cannot read the source to learn its columns: ${(err as Error).message}`,
          location: options.input ? { file: "--input" } : doc.locate(["source", "path"]),
          hint: "check source.path (relative to the pipeline file), or declare source.columns",
        });
      }
    }
    if (sourceColumns) columns = checkKeyFlow(sourceColumns, flow, doc, diagnostics);

    if (!diagnostics.some((d) => d.severity === "error")) {
      const outPath = options.output
        ? resolve(options.output)
        : resolve(baseDir, raw.output?.path ?? `out/${raw.name}.jsonl`);
      const plan: PipelinePlan = {
        name: raw.name,
        file,
        baseDir,
        source: {
          path: sourcePath,
          ...(source.format ? { format: source.format } : {}),
          ...(source.idColumn ? { idColumn: source.idColumn } : {}),
          columns: sourceColumns ?? [],
        },
        output: {
          path: outPath,
          ...(raw.output?.format ? { format: raw.output.format } : {}),
          rejects: rejectsPathFor(outPath),
        },
        cache: { dir: resolve(baseDir, raw.cache?.dir ?? ".dataflow/cache") },
        servings,
        retrievers,
        run: { maxRejectRate: 0.1, window: 1024, shutdownGraceMs: 10_000, ...raw.run },
        steps: planned,
        plugins: raw.plugins ?? [],
        columns,
      };
      return { plan, diagnostics };
    }
  }
  return { diagnostics };
}

/**
 * A step's `serving:` or `retriever:` line against what its operator needs and what the pipeline
 * declares: missing when required, undefined, or ignored. Returns the name the step gave.
 */
function checkStepResource(
  kind: { key: "serving" | "retriever"; what: string; section: string },
  value: unknown,
  need: "required" | "optional" | undefined,
  declared: Record<string, unknown>,
  step: { id: string; op: string; at: (...path: (string | number)[]) => SourceLocation },
  diagnostics: Diagnostic[],
): string | undefined {
  const name = typeof value === "string" ? value : undefined;
  const names = Object.keys(declared);
  if (need === "required" && !name) {
    diagnostics.push({
      severity: "error",
      message: `step "${step.id}": ${step.op} needs ${kind.what}`,
      location: step.at(),
      hint: `add "${kind.key}: <name>" naming one of: ${names.join(", ") || `(define one under ${kind.section}:)`}`,
    });
  }
  if (name && !(name in declared)) {
    diagnostics.push({
      severity: "error",
      message: `step "${step.id}": ${kind.key} "${name}" is not defined`,
      location: step.at(kind.key),
      hint: didYouMean(name, names) || `define it under ${kind.section}:`,
    });
  }
  if (name && !need) {
    diagnostics.push({
      severity: "warning",
      message: `step "${step.id}": ${step.op} does not use ${kind.what}; "${kind.key}: ${name}" is ignored`,
      location: step.at(kind.key),
      hint: `remove the ${kind.key} line`,
    });
  }
  return name;
}

/**
 * The declared retrievers with corpus paths made absolute. A dense or hybrid retriever must name a
 * defined serving (which computes its embeddings); a bm25 one must not name any.
 */
function checkRetrievers(
  declared: Record<string, RetrieverConfig> | undefined,
  servings: Record<string, ServingConfig>,
  baseDir: string,
  doc: PipelineDocument,
  diagnostics: Diagnostic[],
  fileExists: ((path: string) => boolean) | undefined,
): Record<string, RetrieverConfig> {
  const out: Record<string, RetrieverConfig> = {};
  if (!declared || typeof declared !== "object") return out;
  for (const [name, config] of Object.entries(declared)) {
    if (!config || typeof config !== "object") continue;
    const at = (...path: string[]) => doc.locate(["retrievers", name, ...path]);
    if (config.type === "bm25" && config.serving !== undefined) {
      diagnostics.push({
        severity: "warning",
        message: `retriever "${name}": a bm25 retriever computes no embeddings; "serving: ${config.serving}" is ignored`,
        location: at("serving"),
        hint: "remove the serving line, or use type dense or hybrid",
      });
    }
    if ((config.type === "dense" || config.type === "hybrid") && config.serving === undefined) {
      diagnostics.push({
        severity: "error",
        message: `retriever "${name}": a ${config.type} retriever needs a serving to compute embeddings`,
        location: at(),
        hint: `add "serving: <name>" naming one of: ${Object.keys(servings).join(", ") || "(define one under servings:)"}`,
      });
    }
    if (config.type !== "bm25" && typeof config.serving === "string" && !(config.serving in servings)) {
      diagnostics.push({
        severity: "error",
        message: `retriever "${name}": serving "${config.serving}" is not defined`,
        location: at("serving"),
        hint: didYouMean(config.serving, Object.keys(servings)) || "define it under servings:",
      });
    }
    const corpus = typeof config.corpus === "string" ? resolve(baseDir, config.corpus) : config.corpus;
    if (typeof corpus === "string" && fileExists && !fileExists(corpus)) {
      diagnostics.push({
        severity: "error",
        message: `retriever "${name}": corpus file ${corpus} does not exist`,
        location: at("corpus"),
        hint: 'corpus paths are relative to the pipeline file; give a JSONL file of passages (one {"id", "text"} object per line)',
      });
    }
    const { serving, ...rest } = config;
    out[name] = { ...rest, ...(config.type !== "bm25" && serving !== undefined ? { serving } : {}), corpus };
  }
  return out;
}

/** out/x.jsonl → out/x.rejects.jsonl */
export function rejectsPathFor(outputPath: string): string {
  return outputPath.replace(/(\.[a-z]+)?$/i, ".rejects.jsonl");
}
