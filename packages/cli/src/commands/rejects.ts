import type { OperatorRegistry, RejectRecord } from "@dataflow/core";
import { FileRunStore } from "@dataflow/storage";
import { type CompileFlags, compileFile } from "../compile-file.js";
import { displayPath } from "../format-summary.js";
import { type CliIO, EXIT_OK } from "../io.js";
import { runDirFor } from "./run.js";

export interface RejectsFlags extends CompileFlags {
  step?: string;
  show: number;
  json?: boolean;
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export async function rejectsCommand(
  file: string,
  flags: RejectsFlags,
  io: CliIO,
  registry: OperatorRegistry,
): Promise<number> {
  const compiled = await compileFile(file, flags, io, registry);
  if ("exitCode" in compiled) return compiled.exitCode;
  const store = new FileRunStore({ dir: runDirFor(compiled.plan) });
  const byStep = new Map<string, RejectRecord[]>();
  let total = 0;
  for await (const r of store.readRejects()) {
    if (flags.step !== undefined && r.stepId !== flags.step) continue;
    total++;
    if (flags.json) {
      io.stdout.write(`${JSON.stringify(r)}\n`);
      continue;
    }
    const list = byStep.get(r.stepId) ?? [];
    list.push(r);
    byStep.set(r.stepId, list);
  }
  if (flags.json) return EXIT_OK;
  if (!total) {
    io.stdout.write(
      `no rejects${flags.step ? ` for step "${flags.step}"` : ""} in ${displayPath(store.dir)}\n`,
    );
    return EXIT_OK;
  }
  for (const [step, list] of byStep) {
    const types = new Map<string, number>();
    for (const r of list) types.set(r.type, (types.get(r.type) ?? 0) + 1);
    io.stdout.write(
      `${step}: ${list.length} rejected (${[...types].map(([t, n]) => `${n}× ${t}`).join(", ")})\n`,
    );
    for (const r of list.slice(0, flags.show)) {
      io.stdout.write(
        `  row ${r.rowId} [${r.type}] ${oneLine(r.message)}${r.raw ? `\n    raw: ${oneLine(r.raw, 120)}` : ""}\n`,
      );
    }
    if (list.length > flags.show)
      io.stdout.write(`  … ${list.length - flags.show} more (--show N, or --json for all)\n`);
  }
  return EXIT_OK;
}
