import { composePipelineSchema } from "@dataflow/core";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { operatorsCommand } from "./commands/operators.js";
import { rejectsCommand } from "./commands/rejects.js";
import { runCommand } from "./commands/run.js";
import { validateCommand } from "./commands/validate.js";
import { createDefaultRegistry } from "./default-registry.js";
import { type CliIO, EXIT_INVALID, EXIT_RUN_FAILED, processIO } from "./io.js";

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError("expected a number > 0");
  return n;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Run the `dataflow` command with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let exitCode = 0;
  const registry = createDefaultRegistry();
  const program = new Command("dataflow")
    .description("Declare LLM training-data pipelines in YAML and run them as streams")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError("(run with --help for usage)");

  const compileOptions = (cmd: Command): Command =>
    cmd
      .option("--input <path>", "read this file instead of source.path")
      .option("--output <path>", "write here instead of output.path")
      .option(
        "--set <path=value>",
        "override a value, e.g. steps.tpl.params.template=x (repeatable)",
        collect,
      );

  compileOptions(
    program
      .command("run")
      .description("compile and run a pipeline")
      .argument("<pipeline>", "pipeline YAML file"),
  )
    .option("--limit <n>", "read at most n source rows", nonNegativeInt)
    .option("--fresh", "ignore and clear the step caches: recompute everything")
    .option("--from-step <id>", "recompute from this step on, reusing the caches of the steps before it")
    .option("--dry-run", "validate and show the plan without running")
    .option("--json", "print the run summary as JSON")
    .addOption(
      new Option("--progress-interval <seconds>", "seconds between progress lines when not on a terminal")
        .argParser(positiveNumber)
        .default(10),
    )
    .action(async (file: string, flags) => {
      exitCode = await runCommand(file, flags, io, registry);
    });

  compileOptions(
    program
      .command("validate")
      .description("check a pipeline (schema, operators, params, columns) without running it")
      .argument("<pipeline>", "pipeline YAML file"),
  ).action(async (file: string, flags) => {
    exitCode = await validateCommand(file, flags, io, registry);
  });

  program
    .command("operators")
    .description("list registered operators, or show one with its ports and params schema")
    .argument("[name]", "operator name, e.g. core/template")
    .option("--json", "machine-readable output")
    .option("--prompts", "print an LLM operator's default prompt and its placeholders")
    .action((name: string | undefined, flags) => {
      exitCode = operatorsCommand(name, flags, io, registry);
    });

  compileOptions(
    program
      .command("rejects")
      .description("list the rejected rows of a pipeline's last run, step by step")
      .argument("<pipeline>", "pipeline YAML file"),
  )
    .option("--step <id>", 'only this step\'s rejects ("source" for unreadable input rows)')
    .option("--show <n>", "print this many rejects per step", nonNegativeInt, 5)
    .option("--json", "print every reject as a JSON line")
    .action(async (file: string, flags) => {
      exitCode = await rejectsCommand(file, flags, io, registry);
    });

  program
    .command("schema")
    .description(
      "print the pipeline JSON Schema (for editor autocompletion), composed from what is registered",
    )
    .action(() => {
      io.stdout.write(`${JSON.stringify(composePipelineSchema(registry), null, 2)}\n`);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return err.exitCode === 0 ? 0 : EXIT_INVALID;
    }
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_RUN_FAILED;
  }
}
