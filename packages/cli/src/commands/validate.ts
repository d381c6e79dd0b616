import type { OperatorRegistry } from "@dataflow/core";
import { type CompileFlags, compileFile } from "../compile-file.js";
import { type CliIO, EXIT_OK } from "../io.js";
import { describePlan } from "./describe-plan.js";

export async function validateCommand(
  file: string,
  flags: CompileFlags,
  io: CliIO,
  registry: OperatorRegistry,
): Promise<number> {
  const compiled = await compileFile(file, flags, io, registry);
  if ("exitCode" in compiled) return compiled.exitCode;
  const warnings = compiled.diagnostics.length;
  io.stdout.write(
    `${describePlan(compiled.plan, process.cwd(), registry)}\n\nvalid${warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}\n`,
  );
  return EXIT_OK;
}
