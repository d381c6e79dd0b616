import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Diagnostic, PipelineError } from "../contracts/errors.js";
import type { FileFormatKind } from "../registry/file-format-kind.js";
import type { OperatorRegistry } from "../registry/registry.js";
import { checkFileFormat } from "./check-file-format.js";
import { checkRetrievers } from "./check-retrievers.js";
import { checkServings } from "./check-servings.js";
import type { CompileContext } from "./compile-context.js";
import { compileSteps } from "./compile-steps.js";
import { decodePipelineText } from "./decode-pipeline-text.js";
import { checkKeyFlow } from "./key-flow.js";
import { loadPlugins } from "./load-plugins.js";
import { guardRunPaths } from "./paths/guard-paths.js";
import { PipelineDocument } from "./pipeline-document.js";
import { pipelineValidator } from "./pipeline-validator.js";
import type { KindConfig, PipelinePlan, PlannedStep } from "./plan.js";
import { schemaDiagnostics } from "./schema-diagnostics.js";

export interface SourceRef {
  path: string;
  /** A registered file format's name; from the extension when absent. */
  format?: string;
  idColumn?: string;
}

export interface CompileOptions {
  /** Operators and the serving, retriever and format kinds; plugins the pipeline lists are loaded into it. */
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

interface RawPipeline {
  name: string;
  plugins?: string[];
  source?: SourceRef & { columns?: string[] };
  output?: { path: string; format?: string };
  cache?: { dir: string };
  servings?: unknown;
  retrievers?: unknown;
  run?: PipelinePlan["run"];
  steps?: unknown;
}

/** Read and compile a pipeline file; throws PipelineError listing every problem. */
export async function loadPipeline(
  file: string,
  options: CompileOptions,
): Promise<{ plan: PipelinePlan; diagnostics: Diagnostic[] }> {
  const path = resolve(file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
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
  const decoded = decodePipelineText(bytes, path);
  if ("error" in decoded) throw new PipelineError([decoded.error]);
  const result = await compilePipeline(decoded.text, path, options);
  if (!result.plan) throw new PipelineError(result.diagnostics);
  return { plan: result.plan, diagnostics: result.diagnostics };
}

/**
 * Compile pipeline YAML into a plan, before any work or money is spent:
 * YAML syntax, interpolation, plugins, the pipeline schema (composed from what is registered),
 * operators, each step's params, servings, retrievers, formats, and the flow of columns.
 * Every problem is collected.
 */
export async function compilePipeline(
  text: string,
  file: string,
  options: CompileOptions,
): Promise<CompileResult> {
  const doc = new PipelineDocument(file, text, options.env ?? process.env, options.overrides ?? []);
  if (!doc.ok) return { diagnostics: doc.diagnostics };
  const raw = doc.toJS() as RawPipeline;
  const ctx: CompileContext = {
    doc,
    diagnostics: doc.diagnostics,
    registry: options.registry,
    baseDir: dirname(file),
    ...(options.fileExists ? { fileExists: options.fileExists } : {}),
  };
  await validateDocument(raw, ctx);
  const servings = checkServings(raw.servings, ctx);
  const retrievers = checkRetrievers(raw.retrievers, servings, ctx);
  const { planned, flow } = compileSteps(raw.steps, { servings, retrievers }, ctx);

  const source = raw.source && typeof raw.source === "object" ? raw.source : undefined;
  if (!source || typeof source.path !== "string") return { diagnostics: ctx.diagnostics };
  const paths = filePaths(raw, source, ctx, options);
  guardPaths(raw, paths, ctx, options);
  const sourceColumns = paths.sourceKnown
    ? await learnColumns(source, paths.source, ctx, options)
    : undefined;
  const columns = sourceColumns ? checkKeyFlow(sourceColumns, flow, doc, ctx.diagnostics) : [];
  if (ctx.diagnostics.some((d) => d.severity === "error")) return { diagnostics: ctx.diagnostics };
  const plan = buildPlan(raw, { ...source, path: paths.source, columns: sourceColumns ?? [] }, paths.output, {
    file,
    servings,
    retrievers,
    steps: planned,
    columns,
  });
  return { plan, diagnostics: ctx.diagnostics };
}

/**
 * Load the listed plugins, then check the document against the schema composed from what is
 * registered. Schema problems are listed before plugin problems.
 */
async function validateDocument(raw: RawPipeline, ctx: CompileContext): Promise<void> {
  const pluginProblems = await loadPlugins(raw.plugins, ctx.registry, ctx.baseDir, ctx.doc);
  const validate = pipelineValidator(ctx.registry);
  if (!validate(raw))
    ctx.diagnostics.push(...schemaDiagnostics(validate.errors ?? [], ctx.doc, [], "pipeline"));
  ctx.diagnostics.push(...pluginProblems);
}

/** The source and output paths, absolute, each with its format checked. */
function filePaths(
  raw: RawPipeline,
  source: SourceRef,
  ctx: CompileContext,
  options: CompileOptions,
): { source: string; output: string; sourceKnown: boolean } {
  const sourcePath = options.input ? resolve(options.input) : resolve(ctx.baseDir, source.path);
  const output = options.output
    ? resolve(options.output)
    : resolve(ctx.baseDir, raw.output?.path ?? `out/${raw.name}.jsonl`);
  const sourceAt = options.input ? { file: "--input" } : ctx.doc.locate(["source", "path"]);
  const outputAt = options.output ? { file: "--output" } : ctx.doc.locate(["output", "path"]);
  const sourceKnown = checkFileFormat("source", sourcePath, source.format, sourceAt, ctx);
  checkFileFormat("output", output, raw.output?.format, outputAt, ctx);
  return { source: sourcePath, output, sourceKnown };
}

/** Paths that would overwrite the input or mix with a cache, or cannot be written, are errors now. */
function guardPaths(
  raw: RawPipeline,
  paths: { source: string; output: string },
  ctx: CompileContext,
  options: CompileOptions,
): void {
  const cacheDir = cacheDirOf(raw, ctx.baseDir);
  const runPaths = {
    ...paths,
    rejects: rejectsPathFor(paths.output),
    cacheDir,
    runDir: join(cacheDir, typeof raw.name === "string" ? raw.name : ""),
    outputIsFolder: outputFormat(raw, paths.output, ctx)?.writesFolder === true,
  };
  ctx.diagnostics.push(
    ...guardRunPaths(runPaths, {
      source: options.input ? { file: "--input" } : ctx.doc.locate(["source", "path"]),
      output: options.output ? { file: "--output" } : ctx.doc.locate(["output", "path"]),
      cache: ctx.doc.locate(["cache", "dir"]),
    }),
  );
}

function outputFormat(raw: RawPipeline, output: string, ctx: CompileContext): FileFormatKind | undefined {
  const named = raw.output?.format;
  return typeof named === "string"
    ? ctx.registry.fileFormats.get(named)
    : ctx.registry.fileFormats.forPath(output);
}

function cacheDirOf(raw: RawPipeline, baseDir: string): string {
  const dir = raw.cache?.dir;
  return resolve(baseDir, typeof dir === "string" ? dir : ".dataflow/cache");
}

/** `source.columns`, else the columns sampled from the source's first rows (undefined when unknown). */
async function learnColumns(
  source: SourceRef & { columns?: string[] },
  path: string,
  ctx: CompileContext,
  options: CompileOptions,
): Promise<string[] | undefined> {
  if (source.columns || !options.sampleColumns) return source.columns;
  try {
    return await options.sampleColumns({ ...source, path });
  } catch (err) {
    ctx.diagnostics.push({
      severity: "error",
      message: `cannot read the source to learn its columns: ${(err as Error).message}`,
      location: options.input ? { file: "--input" } : ctx.doc.locate(["source", "path"]),
      hint: "check source.path (relative to the pipeline file), or declare source.columns",
    });
    return undefined;
  }
}

function buildPlan(
  raw: RawPipeline,
  source: SourceRef & { columns: string[] },
  outPath: string,
  parts: {
    file: string;
    servings: Record<string, KindConfig>;
    retrievers: Record<string, KindConfig>;
    steps: PlannedStep[];
    columns: string[];
  },
): PipelinePlan {
  const baseDir = dirname(parts.file);
  return {
    name: raw.name,
    file: parts.file,
    baseDir,
    source: {
      path: source.path,
      ...(source.format ? { format: source.format } : {}),
      ...(source.idColumn ? { idColumn: source.idColumn } : {}),
      columns: source.columns,
      ...formatOptions(source),
    },
    output: {
      path: outPath,
      ...(raw.output?.format ? { format: raw.output.format } : {}),
      rejects: rejectsPathFor(outPath),
      ...formatOptions(raw.output),
    },
    cache: { dir: cacheDirOf(raw, baseDir) },
    servings: parts.servings,
    retrievers: parts.retrievers,
    run: { maxRejectRate: 0.1, window: 1024, shutdownGraceMs: 10_000, ...raw.run },
    steps: parts.steps,
    plugins: raw.plugins ?? [],
    columns: parts.columns,
  };
}

/** The keys of `source:` or `output:` beyond core's: options registered formats added (the schema allowed only those). */
function formatOptions(block: object | undefined): { options?: Record<string, unknown> } {
  const options = Object.fromEntries(Object.entries(block ?? {}).filter(([key]) => !CORE_KEYS.has(key)));
  return Object.keys(options).length ? { options } : {};
}

const CORE_KEYS = new Set(["path", "format", "idColumn", "columns"]);

/** out/x.jsonl → out/x.rejects.jsonl */
export function rejectsPathFor(outputPath: string): string {
  return outputPath.replace(/(\.[a-z]+)?$/i, ".rejects.jsonl");
}
