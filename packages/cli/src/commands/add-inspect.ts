import { type Command, InvalidArgumentError } from "commander";
import type { CliIO } from "../io.js";

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

/** Adds `dataflow inspect FILE [-n N]` to the program; `done` receives its exit code. */
export function addInspectCommand(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command("inspect")
    .description("pretty-print the first rows of a data file (JSONL, gzip JSONL, CSV, Parquet, JSON array)")
    .argument("<file>", "data file, e.g. out/rare.jsonl")
    .option("-n, --rows <n>", "how many rows to show", count, 3)
    .option("--width <chars>", "characters of a value shown before it is folded", count, 160)
    .option("--format <name>", "read as this format instead of guessing from the extension")
    .option("--json", "print the rows as JSON lines, unfolded")
    .action(async (file: string, flags) => {
      const { inspectCommand } = await import("./inspect.js");
      done(await inspectCommand(file, flags, io));
    });
}
