import { existsSync } from "node:fs";
import {
  type CompileOptions,
  type Diagnostic,
  formatDiagnostic,
  loadPipeline,
  PipelineError,
  type PipelinePlan,
} from "@dataflow/core";
import { displayPath } from "./format-summary.js";
import { checkIdColumn, sampleColumnsWithoutIds } from "./id-column.js";
import { type CliIO, EXIT_INVALID } from "./io.js";

function show(d: Diagnostic): string {
  const file = d.location?.file;
  return formatDiagnostic(
    file && !file.startsWith("--") ? { ...d, location: { ...d.location, file: displayPath(file) } } : d,
  );
}

export interface CompileFlags {
  input?: string;
  output?: string;
  set?: string[];
}

/** Compile a pipeline file, printing every diagnostic; undefined (after printing) when invalid. */
export async function compileFile(
  file: string,
  flags: CompileFlags,
  io: CliIO,
  registry: CompileOptions["registry"],
): Promise<{ plan: PipelinePlan; diagnostics: Diagnostic[] } | { exitCode: number }> {
  try {
    const result = await loadPipeline(file, {
      registry,
      env: io.env,
      overrides: flags.set ?? [],
      ...(flags.input ? { input: flags.input } : {}),
      ...(flags.output ? { output: flags.output } : {}),
      fileExists: existsSync,
      sampleColumns: sampleColumnsWithoutIds,
    });
    for (const d of result.diagnostics) io.stderr.write(`${show(d)}\n`);
    const idError = checkIdColumn(result.plan, flags.input !== undefined);
    if (idError) {
      io.stderr.write(`${show(idError)}\n\n${file}: 1 error; nothing was run\n`);
      return { exitCode: EXIT_INVALID };
    }
    return result;
  } catch (err) {
    if (err instanceof PipelineError) {
      for (const d of err.diagnostics) io.stderr.write(`${show(d)}\n`);
      const n = err.diagnostics.filter((d) => d.severity === "error").length;
      io.stderr.write(`\n${file}: ${n} error${n === 1 ? "" : "s"}; nothing was run\n`);
      return { exitCode: EXIT_INVALID };
    }
    throw err;
  }
}
