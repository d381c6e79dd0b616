import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ExportFormat, validateExport } from "@dataflow/exports";
import { expect } from "vitest";
import { captureIO } from "../cli-test-io.js";
import { runCli } from "../run-cli.js";

/** The repository's pipelines/ folder. */
export const PIPELINES = resolve(import.meta.dirname, "../../../../pipelines");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `dataflow <command> pipelines/<file> --set cache.dir=<cacheDir> ...args`, with `env` as the environment. */
export async function runPipelineCommand(
  command: "run" | "rejects",
  file: string,
  o: { env: Record<string, string>; cacheDir: string },
  ...args: string[]
): Promise<CliRun> {
  const c = captureIO(o.env);
  const code = await runCli([command, join(PIPELINES, file), "--set", `cache.dir=${o.cacheDir}`, ...args], c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

export function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Runs pipelines/export.yaml on a recipe's output with `op` and `from`, and checks the file holds one
 * record per input row, each valid against the format's schema. Returns the input rows and the records.
 */
export async function exportAndValidate(
  input: string,
  output: string,
  o: { cacheDir: string; op: string; format: ExportFormat; from: "rare" | "trajectory" | "noisy-context" },
): Promise<{ rows: Record<string, unknown>[]; records: Record<string, unknown>[] }> {
  const r = await runPipelineCommand(
    "run",
    "export.yaml",
    { env: {}, cacheDir: o.cacheDir },
    "--input",
    input,
    "--output",
    output,
    "--set",
    `steps.export.op=${o.op}`,
    "--set",
    `steps.export.params.from=${o.from}`,
  );
  expect(r.code, r.stderr).toBe(0);
  const rows = readJsonl(input);
  const records = readJsonl(output);
  expect(records).toHaveLength(rows.length);
  for (const record of records) expect(validateExport(o.format, record)).toEqual({ valid: true, errors: [] });
  return { rows, records };
}
